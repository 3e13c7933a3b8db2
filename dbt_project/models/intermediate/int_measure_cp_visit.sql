-- CP_VISIT (kpis.md; local standard cp_visit, default 10 working days): every open CP plan is due a visit
-- add_standard(latest seen visit on/after the plan start, or the plan start if none). A visit belongs to
-- the plan through cppv_cp_plan_id where it holds one, else through the person (kpis.md "Belonging to a
-- plan"). Visits where the child was not seen do not reset the clock.
with seen as (
    select cppv_cp_plan_id, cppv_person_id, cppv_cp_visit_date
    from {{ ref('stg_ssd_cp_visits') }}
    where cppv_cp_visit_seen and cppv_cp_visit_date is not null
),
belonging as (
    select p.cp_plan_id, s.cppv_cp_visit_date as visit_date
    from {{ ref('int_cp_plans') }} p
    join seen s on s.cppv_cp_plan_id = p.cp_plan_id
    union all
    select p.cp_plan_id, s.cppv_cp_visit_date
    from {{ ref('int_cp_plans') }} p
    join seen s on s.cppv_cp_plan_id is null and s.cppv_person_id = p.person_id
),
last_seen as (
    select b.cp_plan_id, max(b.visit_date) as last_seen_visit
    from belonging b
    join {{ ref('int_cp_plans') }} p using (cp_plan_id)
    where b.visit_date >= p.start_date
    group by b.cp_plan_id
)

select
    'CP_VISIT' as kpi_id,
    p.person_id,
    p.cp_plan_id as record_id,
    {{ add_standard('coalesce(l.last_seen_visit, p.start_date)', 'cp_visit') }} as due_date,
    'due' as status_rule,
    cast(null as varchar) as flag,
    p.team_id as source_team_id,
    p.worker_id as source_worker_id
from {{ ref('int_cp_plans') }} p
left join last_seen l using (cp_plan_id)
