-- RE_REFERRAL_RATE (docs/measures.md#re_referral_rate): referrals in the 12 months to D; a re-referral when
-- the child had another referral dated before this one and after add_months(this date, -12). Two referrals
-- on one day are not each other's previous referral.
with referrals as (
    select cine_referral_id, cine_person_id, cine_referral_date, cine_referral_team, cine_referral_worker_id
    from {{ ref('stg_ssd_cin_episodes') }}
    where cine_referral_date is not null and cine_person_id is not null
)
select 'RE_REFERRAL_RATE' as kpi_id, r.cine_referral_id as item_id, r.cine_person_id as person_id,
       exists (select 1 from referrals o where o.cine_person_id = r.cine_person_id
               and o.cine_referral_id <> r.cine_referral_id
               and o.cine_referral_date < r.cine_referral_date
               and o.cine_referral_date > {{ add_months('r.cine_referral_date', -12) }}) as in_numerator,
       coalesce(r.cine_referral_worker_id, attr.worker_id) as worker_id,
       coalesce(r.cine_referral_team, attr.team_id) as team_id
from referrals r
left join {{ ref('int_person_attribution') }} attr on attr.person_id = r.cine_person_id
where r.cine_referral_date > {{ add_months(reporting_date(), -12) }}
