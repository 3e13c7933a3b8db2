-- PLO_OVER_26W_CHILDREN (docs/measures.md#plo_over_26w_children): a count of the children in
-- pre-proceedings not concluded at 26 weeks or more (the measure's fixed threshold).
select 'PLO_OVER_26W_CHILDREN' as kpi_id, person_id as item_id, person_id, true as in_numerator,
       any_value(worker_id) as worker_id, any_value(team_id) as team_id
from ({{ pre_proceedings_over_26_weeks() }})
group by person_id
