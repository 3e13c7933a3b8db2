-- Every item of every exception measure's population at D, with its status and attribution. Exceptions are
-- the items with a status; rates read the same items, so a measure's rate and its exception list agree.
--
-- Status (kpis.md "Status of an item"): overdue when D > due (an item due today is not yet overdue);
-- due_soon when D <= due <= add_wd(D, horizon); watch-list measures are `watch`; an item with no due date
-- (UNALLOCATED, a care leaver with no review ever) is overdue. Days overdue (overdue and watch rows):
-- D - due in calendar days, and the working days in (due, D].
-- Attribution (kpis.md "Attribution"): worker = allocated worker, else the measure's source record's worker,
-- else the open referral's; team = the allocated worker's involvement team, else the source record's team,
-- else the open referral's; area = the team's parent; lead = configured for the area, else named after it,
-- else Unassigned.
{%- set horizon = standard('due_soon_horizon_working_days') %}
with items as (
    select * from {{ ref('int_measure_assess_45wd') }}
    union all
    select * from {{ ref('int_measure_s47_icpc_15wd') }}
    union all
    select * from {{ ref('int_measure_core_group_first') }}
    union all
    select * from {{ ref('int_measure_core_group_interval') }}
    union all
    select * from {{ ref('int_measure_cp_visit') }}
    union all
    select * from {{ ref('int_measure_cp_review') }}
    union all
    select * from {{ ref('int_measure_cin_visit') }}
    union all
    select * from {{ ref('int_measure_cin_review') }}
    union all
    select * from {{ ref('int_measure_cla_visit') }}
    union all
    select * from {{ ref('int_measure_cla_review') }}
    union all
    select * from {{ ref('int_measure_pathway_plan_review') }}
    union all
    select * from {{ ref('int_measure_no_current_plan') }}
    union all
    select * from {{ ref('int_measure_plo_duration') }}
    union all
    select * from {{ ref('int_measure_cp_duration') }}
    union all
    select * from {{ ref('int_measure_unallocated') }}
    union all
    select * from {{ ref('int_measure_manager_held') }}
    union all
    select * from {{ ref('int_measure_caseload') }}
    union all
    select * from {{ ref('int_measure_supervision') }}
),

available as (
    select items.*
    from items
    left join {{ ref('int_measure_availability') }} av using (kpi_id)
    where coalesce(av.is_available, true)
),

horizon as (
    select {{ add_wd(reporting_date(), horizon) }} as horizon_date
),

statused as (
    select
        available.*,
        case
            when status_rule = 'watch' then 'watch'
            when status_rule = 'always' or due_date is null then 'overdue'
            when {{ reporting_date() }} > due_date then 'overdue'
            when due_date <= horizon.horizon_date then 'due_soon'
        end as status
    from available, horizon
)

select
    s.kpi_id,
    s.person_id,
    s.record_id,
    coalesce(pa.allocated_worker_id, s.source_worker_id, pa.referral_worker_id) as worker_id,
    coalesce(pa.allocated_team_id, s.source_team_id, pa.referral_team_id) as team_id,
    u.area_id,
    coalesce(u.lead, 'Unassigned') as lead,
    s.status,
    s.flag,
    s.due_date,
    case when s.status in ('overdue', 'watch') and s.due_date is not null
         then datediff('day', s.due_date, {{ reporting_date() }}) end as days_overdue,
    case when s.status in ('overdue', 'watch') and s.due_date is not null
         then {{ working_days_between('s.due_date', reporting_date()) }} end as working_days_overdue
from statused s
left join {{ ref('int_person_attribution') }} pa on pa.person_id = s.person_id
left join {{ ref('int_units') }} u
    on u.team_id = coalesce(pa.allocated_team_id, s.source_team_id, pa.referral_team_id)
