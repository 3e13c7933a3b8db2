-- CORE_GROUP_RATE (docs/measures.md#core_group_rate): open CP plans at D, in time when neither
-- CORE_GROUP_FIRST nor CORE_GROUP_INTERVAL is overdue for the plan.
with items as ({{ measure_items([ref('int_measure_core_group_first'), ref('int_measure_core_group_interval')]) }})
select 'CORE_GROUP_RATE' as kpi_id, p.cp_plan_id as item_id, p.person_id,
       not coalesce(bool_or(i.status = 'overdue'), false) as in_numerator,
       any_value(i.worker_id) as worker_id, any_value(i.team_id) as team_id
from {{ ref('int_cp_plans') }} p
left join items i on i.record_id = p.cp_plan_id
group by p.cp_plan_id, p.person_id
