-- Core group meetings belonging to each open CP plan (kpis.md "Belonging to a plan", macro belonging_items).
with plans as (select * from {{ ref('int_cp_plans') }}),
meetings as (
    select * from {{ ref('stg_ssd_ext_core_groups') }} where cogr_meeting_date is not null
),
belonging as (
    {{ belonging_items('plans', 'cp_plan_id', 'person_id', 'start_date',
                       'meetings', 'cogr_cp_plan_id', 'cogr_person_id', 'cogr_meeting_date') }}
)

select parent_id as cp_plan_id, count(*) as meetings, max(item_date) as last_meeting
from belonging
group by parent_id
