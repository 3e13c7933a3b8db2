-- SUPERVISION (kpis.md; Bury weekly accountability framework; local standard supervision, default 1 month):
-- planned cases; due = latest case supervision on/after the case start + 1 month, none yet: case start +
-- 1 month. Case start = the earliest start among the open CIN plan, CP plan and start of care.
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
