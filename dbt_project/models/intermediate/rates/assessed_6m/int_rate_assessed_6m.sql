-- ASSESSED_6M (docs/measures.md#assessed_6m): children with an open referral at D, in the numerator when
-- they have an assessment authorised in the 6 months to D.
select 'ASSESSED_6M' as kpi_id, r.person_id as item_id, r.person_id,
       exists (select 1 from {{ ref('int_assessments') }} a where a.person_id = r.person_id
               and a.auth_date is not null
               and a.auth_date > {{ add_months(reporting_date(), -6) }}) as in_numerator,
       coalesce(attr.worker_id, r.worker_id) as worker_id, coalesce(attr.team_id, r.team_id) as team_id
from {{ ref('int_open_referrals') }} r
left join {{ ref('int_person_attribution') }} attr using (person_id)
