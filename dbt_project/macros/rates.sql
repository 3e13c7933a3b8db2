{# Shapes shared by several rate models (models/intermediate/rates/): each rate selects
   (kpi_id, item_id, person_id, in_numerator, worker_id, team_id), one row per denominator item. #}

{# A "visited in time" rate is over children: a child is in the numerator when none of its items of the
   measure is overdue, and drills down as its first item (by record id). #}
{% macro children_not_overdue(rate_id, measure_model) -%}
with items as ({{ measure_items([ref(measure_model)]) }})
select '{{ rate_id }}' as kpi_id, person_id as item_id, person_id,
       not bool_or(coalesce(status = 'overdue', false)) over (partition by person_id) as in_numerator,
       worker_id, team_id
from items
where person_id is not null
qualify row_number() over (partition by person_id order by record_id) = 1
{%- endmacro %}

{# A review rate is over the measure's items (plans, periods of care, care leavers): each not overdue is in
   the numerator. #}
{% macro items_not_overdue(rate_id, measure_model) -%}
with items as ({{ measure_items([ref(measure_model)]) }})
select '{{ rate_id }}' as kpi_id, record_id as item_id, person_id,
       coalesce(status, '') <> 'overdue' as in_numerator, worker_id, team_id
from items
{%- endmacro %}

{# CP plans started in the 12 months to D, each with whether an earlier plan of the child started before it
   (ever, and ending within the 24 months before this start). ssd_cp_plans holds no team or worker: the
   child's attribution, a CP plan's source record being its ICPC. #}
{% macro cp_plans_started_in_12_months() -%}
with cp_plans as (
    select cppl_cp_plan_id, cppl_person_id, cppl_cp_plan_start_date, cppl_cp_plan_end_date, cppl_icpc_id
    from {{ ref('stg_ssd_cp_plans') }}
    where cppl_cp_plan_start_date is not null and cppl_person_id is not null
)
select
    p.cppl_cp_plan_id as item_id, p.cppl_person_id as person_id,
    exists (select 1 from cp_plans e where e.cppl_person_id = p.cppl_person_id
            and e.cppl_cp_plan_id <> p.cppl_cp_plan_id
            and e.cppl_cp_plan_start_date < p.cppl_cp_plan_start_date) as repeat_ever,
    exists (select 1 from cp_plans e where e.cppl_person_id = p.cppl_person_id
            and e.cppl_cp_plan_id <> p.cppl_cp_plan_id
            and e.cppl_cp_plan_start_date < p.cppl_cp_plan_start_date
            and (e.cppl_cp_plan_end_date is null
                 or e.cppl_cp_plan_end_date >= {{ add_months('p.cppl_cp_plan_start_date', -24) }})) as repeat_2y,
    {{ attributed_worker('attr', 'i.icpc_icpc_worker_id') }} as worker_id,
    {{ attributed_team('attr', 'i.icpc_icpc_team') }} as team_id
from cp_plans p
left join {{ ref('stg_ssd_initial_cp_conference') }} i on i.icpc_icpc_id = p.cppl_icpc_id
left join {{ ref('int_person_attribution') }} attr on attr.person_id = p.cppl_person_id
where p.cppl_cp_plan_start_date > {{ add_months(reporting_date(), -12) }}
{%- endmacro %}

{# Open CP plans that started at least 2 years before D (the measure's fixed threshold), attributed as the
   plan is (allocated worker, else the plan's ICPC, else the open referral). #}
{% macro cp_plans_over_2_years() -%}
select p.person_id, p.cp_plan_id,
       {{ attributed_worker('attr', 'p.worker_id') }} as worker_id,
       {{ attributed_team('attr', 'p.team_id') }} as team_id
from {{ ref('int_cp_plans') }} p
left join {{ ref('int_person_attribution') }} attr on attr.person_id = p.person_id
where {{ add_months('p.start_date', 24) }} <= {{ reporting_date() }}
{%- endmacro %}

{# Pre-proceedings not concluded at D whose clock started at least 26 weeks (182 days) before D. #}
{% macro pre_proceedings_over_26_weeks() -%}
select p.record_id, p.person_id, p.family_id, attr.worker_id, attr.team_id
from {{ ref('int_pre_proceedings') }} p
left join {{ ref('int_person_attribution') }} attr using (person_id)
where p.clock_start + 182 <= {{ reporting_date() }}
{%- endmacro %}
