-- CP_OVER_2Y_FAMILIES (docs/measures.md#cp_over_2y_families): a count of the families (ssd_family) of the
-- children on a CP plan for 2 years or more; a child with no family row is a family of one.
with families as (
    select fami_person_id as person_id, fami_family_id as family_id
    from {{ ref('stg_ssd_family') }} where fami_person_id is not null and fami_family_id is not null
)
select 'CP_OVER_2Y_FAMILIES' as kpi_id, coalesce(f.family_id, 'PERSON:' || c.person_id) as item_id, c.person_id,
       true as in_numerator, c.worker_id, c.team_id
from ({{ cp_plans_over_2_years() }}) c
left join families f using (person_id)
