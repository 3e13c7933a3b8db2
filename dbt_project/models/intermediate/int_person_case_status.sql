-- Per child, what is open at D (docs/conventions.md#open-case, which also defines a planned case;
-- docs/conventions.md#cin-level-child).
with referral as (select distinct person_id from {{ ref('int_open_referrals') }}),
cin as (
    select distinct cinp_person_id as person_id from {{ ref('stg_ssd_cin_plans') }}
    where {{ open_at_d('cinp_cin_plan_start_date', 'cinp_cin_plan_end_date') }}
),
cp as (
    select distinct cppl_person_id as person_id from {{ ref('stg_ssd_cp_plans') }}
    where {{ open_at_d('cppl_cp_plan_start_date', 'cppl_cp_plan_end_date') }}
),
cla as (select distinct person_id from {{ ref('int_periods_of_care') }} where is_open),
people as (
    select person_id from referral union select person_id from cin
    union select person_id from cp union select person_id from cla
)

select
    people.person_id,
    referral.person_id is not null as has_open_referral,
    cin.person_id is not null as has_open_cin_plan,
    cp.person_id is not null as has_open_cp_plan,
    cla.person_id is not null as is_looked_after,
    (cin.person_id is not null or cp.person_id is not null or cla.person_id is not null) as is_planned_case,
    (cin.person_id is not null and cp.person_id is null and cla.person_id is null) as is_cin_level
from people
left join referral using (person_id)
left join cin using (person_id)
left join cp using (person_id)
left join cla using (person_id)
where people.person_id is not null
