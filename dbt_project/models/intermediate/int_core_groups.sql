-- Core group meetings belonging to each open CP plan (docs/conventions.md#belonging-to-a-plan, macro belonging_items),
-- with the latest meeting's own team and worker (a core group is a source record for attribution).
with plans as (select * from {{ ref('int_cp_plans') }}),
meetings as (
    select * from {{ ref('stg_ssd_ext_core_groups') }} where cogr_meeting_date is not null
),
belonging as (
    {{ belonging_items('plans', 'cp_plan_id', 'person_id', 'start_date',
                       'meetings', 'cogr_cp_plan_id', 'cogr_person_id', 'cogr_meeting_date') }}
),
counted as (
    select parent_id as cp_plan_id, count(*) as meetings, max(item_date) as last_meeting
    from belonging group by parent_id
),
latest_meeting as (
    -- the latest meeting's recorded team/worker (with several that day, the greatest id)
    select p.cp_plan_id, m.cogr_team, m.cogr_worker_id
    from plans p
    join counted c using (cp_plan_id)
    join meetings m on m.cogr_meeting_date = c.last_meeting
        and (m.cogr_cp_plan_id = p.cp_plan_id or (m.cogr_cp_plan_id is null and m.cogr_person_id = p.person_id))
    qualify row_number() over (partition by p.cp_plan_id order by m.cogr_core_group_id desc) = 1
)

select c.cp_plan_id, c.meetings, c.last_meeting,
       l.cogr_team as last_meeting_team_id, l.cogr_worker_id as last_meeting_worker_id
from counted c
left join latest_meeting l using (cp_plan_id)
