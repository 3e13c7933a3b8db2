-- CP_OVER_2Y_CHILDREN (docs/measures.md#cp_over_2y_children): a count of the children on an open CP plan
-- that started at least 2 years before D (one item per child, all in the numerator).
select 'CP_OVER_2Y_CHILDREN' as kpi_id, person_id as item_id, person_id, true as in_numerator,
       any_value(worker_id) as worker_id, any_value(team_id) as team_id
from ({{ cp_plans_over_2_years() }})
group by person_id
