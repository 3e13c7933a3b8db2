-- The items each rate measure counts (kpis.md "Rate measures"), one row per denominator item with
-- whether it is in the numerator and the unit it drills down to.
with assessments_rate as (
    -- ASSESS_45WD_RATE: assessments authorised in the 12 months to D; numerator: authorised by their due
    -- date. A past event drills down by its own team/worker columns, else by the child's attribution.
    select
        'ASSESS_45WD_RATE' as kpi_id,
        a.assessment_id as item_id,
        a.person_id,
        (a.auth_date <= a.due_date) as in_numerator,
        coalesce(a.worker_id, pa.allocated_worker_id, pa.referral_worker_id) as worker_id,
        coalesce(a.team_id, pa.allocated_team_id, pa.referral_team_id) as team_id
    from {{ ref('int_assessments') }} a
    left join {{ ref('int_person_attribution') }} pa on pa.person_id = a.person_id
    where a.auth_date is not null
      and a.auth_date > {{ add_months(reporting_date(), -12) }}
),

cp_visit_rate as (
    -- CP_VISIT_RATE: children on an open CP plan; numerator: not overdue (a child with several plans is
    -- overdue if any plan is). The child drills down as its latest-starting plan's item does.
    select
        'CP_VISIT_RATE' as kpi_id,
        i.person_id as item_id,
        i.person_id,
        not bool_or(coalesce(i.status = 'overdue', false)) over (partition by i.person_id) as in_numerator,
        i.worker_id,
        i.team_id
    from {{ ref('int_measure_items') }} i
    join {{ ref('int_cp_plans') }} p on p.cp_plan_id = i.record_id
    where i.kpi_id = 'CP_VISIT'
    {{ one_of_several('i.person_id', 'p.start_date', 'p.cp_plan_id') }}
)

select * from assessments_rate
union all
select * from cp_visit_rate
