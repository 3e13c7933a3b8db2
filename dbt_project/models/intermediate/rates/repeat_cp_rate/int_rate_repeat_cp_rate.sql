-- REPEAT_CP_RATE (docs/measures.md#repeat_cp_rate): CP plans started in the 12 months to D; a repeat when
-- the child had another CP plan that started before this one, ever.
select 'REPEAT_CP_RATE' as kpi_id, item_id, person_id, repeat_ever as in_numerator, worker_id, team_id
from ({{ cp_plans_started_in_12_months() }})
