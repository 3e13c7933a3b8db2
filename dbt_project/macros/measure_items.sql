{# The items of the given exception measures' populations at D, with status, days overdue and attribution:
   the one definition int_measure_items (every measure, for the exception list) and each rate built on a
   measure (int_rate_<id>, that measure alone, so its lineage is its own) select from.

   Status (docs/conventions.md#status): overdue when D > due (an item due today is not yet overdue);
   due_soon when D <= due <= add_wd(D, horizon); watch-list measures are `watch`; an item with no due date
   (UNALLOCATED, a care leaver with no review ever) is overdue. Days overdue (docs/conventions.md#days-overdue,
   overdue and watch rows): D - due in calendar days, and the working days in (due, D].
   Attribution (docs/conventions.md#attribution): worker = allocated worker, else the measure's source
   record's worker, else the open referral's; team likewise; area = the team's parent; lead = configured
   for the area, else named after it, else Unassigned. A measure that is not available has no items. #}
{% macro measure_items(relations) -%}
{%- set horizon = standard('due_soon_horizon_working_days') %}
with items as (
    {%- for relation in relations %}
    select * from {{ relation }}{{ " union all" if not loop.last }}
    {%- endfor %}
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
    {{ attributed_worker('pa', 's.source_worker_id') }} as worker_id,
    {{ attributed_team('pa', 's.source_team_id') }} as team_id,
    u.area_id,
    coalesce(u.lead, {{ unassigned_lead() }}) as lead,
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
    on u.team_id = {{ attributed_team('pa', 's.source_team_id') }}
{%- endmacro %}
