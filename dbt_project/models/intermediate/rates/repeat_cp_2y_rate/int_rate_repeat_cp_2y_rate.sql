-- REPEAT_CP_2Y_RATE (docs/measures.md#repeat_cp_2y_rate): CP plans started in the 12 months to D; a repeat
-- when an earlier plan of the child ended on or after add_months(this start, -24), or is still open.
select 'REPEAT_CP_2Y_RATE' as kpi_id, item_id, person_id, repeat_2y as in_numerator, worker_id, team_id
from ({{ cp_plans_started_in_12_months() }})
