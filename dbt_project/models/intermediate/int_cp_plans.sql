-- CP plans open at D with their ICPC's team and worker (a CP plan measure attributes through its ICPC:
-- cppl_icpc_id, else the ICPC that names the plan in icpc_cp_plan_id).
with plans as (
    select * from {{ ref('stg_ssd_cp_plans') }}
    where {{ open_at_d('cppl_cp_plan_start_date', 'cppl_cp_plan_end_date') }}
),
icpc_by_plan as (
    select icpc_cp_plan_id, icpc_icpc_team, icpc_icpc_worker_id
    from {{ ref('stg_ssd_initial_cp_conference') }}
    where icpc_cp_plan_id is not null
    {{ one_of_several('icpc_cp_plan_id', 'icpc_icpc_date', 'icpc_icpc_id') }}
)

select
    plans.cppl_cp_plan_id as cp_plan_id,
    plans.cppl_person_id as person_id,
    plans.cppl_cp_plan_start_date as start_date,
    coalesce(by_id.icpc_icpc_team, by_plan.icpc_icpc_team) as team_id,
    coalesce(by_id.icpc_icpc_worker_id, by_plan.icpc_icpc_worker_id) as worker_id
from plans
left join {{ ref('stg_ssd_initial_cp_conference') }} as by_id
    on by_id.icpc_icpc_id = plans.cppl_icpc_id
left join icpc_by_plan as by_plan
    on by_plan.icpc_cp_plan_id = plans.cppl_cp_plan_id
