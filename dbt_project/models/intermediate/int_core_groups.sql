-- Core group meetings belonging to each open CP plan (kpis.md "Belonging to a plan": through
-- cogr_cp_plan_id where the row holds one, else through the person, dated on or after the plan's start).
with meetings as (
    select * from {{ ref('stg_ssd_ext_core_groups') }} where cogr_meeting_date is not null
),
belonging as (
    select p.cp_plan_id, p.start_date, m.* from {{ ref('int_cp_plans') }} p
    join meetings m on m.cogr_cp_plan_id = p.cp_plan_id
    union all
    select p.cp_plan_id, p.start_date, m.* from {{ ref('int_cp_plans') }} p
    join meetings m on m.cogr_cp_plan_id is null and m.cogr_person_id = p.person_id
)

select cp_plan_id, count(*) as meetings, max(cogr_meeting_date) as last_meeting
from belonging
where cogr_meeting_date >= start_date
group by cp_plan_id
