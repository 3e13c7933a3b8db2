-- SUPERVISION: docs/measures.md#supervision (defined in plugins/csc_compliance/measures.yml).
-- The case start is computed here: the earliest start among the CIN plans and CP plans open at D (open_at_d) and
-- the open periods' start of care. Supervisions dated before it are dropped (an earlier case's); base = the
-- latest remaining, else the case start; add_standard applies the supervision standard in its configured unit.
with starts as (
    select cinp_person_id as person_id, cinp_cin_plan_start_date as start_date from {{ ref('stg_ssd_cin_plans') }}
    where {{ open_at_d('cinp_cin_plan_start_date', 'cinp_cin_plan_end_date') }}
    union all
    select cppl_person_id, cppl_cp_plan_start_date from {{ ref('stg_ssd_cp_plans') }}
    where {{ open_at_d('cppl_cp_plan_start_date', 'cppl_cp_plan_end_date') }}
    union all
    select person_id, start_of_care from {{ ref('int_periods_of_care') }} where is_open
),
cases as (
    select person_id, min(start_date) as case_start from starts where person_id is not null group by person_id
),
latest as (
    select c.person_id, max(s.supv_supervision_date) as last_supervision
    from cases c
    join {{ ref('stg_ssd_ext_supervisions') }} s on s.supv_person_id = c.person_id
    where s.supv_supervision_date >= c.case_start
    group by c.person_id
)

select
    'SUPERVISION' as kpi_id, c.person_id, c.person_id as record_id,
    {{ add_standard('coalesce(l.last_supervision, c.case_start)', 'supervision') }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    cast(null as varchar) as source_team_id, cast(null as varchar) as source_worker_id
from cases c
left join latest l using (person_id)
