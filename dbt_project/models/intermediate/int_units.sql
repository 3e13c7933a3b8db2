-- Teams and their areas (docs/conventions.md#attribution: area = the team's parent in ssd_department) with
-- the strategic lead each area routes to (docs/contract.md#configuration): the configured lead, else a lead
-- named after the area. Routing is by area id, so one area is one lead however its teams spell its name:
--   * an area's name is the dept_team_parent_name most of its teams give (ties: the first in file order),
--     else its id; a team spelling it otherwise is a recording gap (DEPT_PARENT_NAME_CONSISTENT);
--   * an unconfigured area whose name is a configured lead's, Unassigned, or another area's (compared
--     case-insensitively) is "<name> (<area id>)": its children reach no lead configured for other areas,
--     and two areas are never merged into one lead.
with teams as (   -- staging keeps one row per team id
    select * from {{ ref('stg_ssd_department') }} where dept_team_id is not null
),

area_names as (
    select dept_team_parent_id as area_id, dept_team_parent_name as area_name
    from teams
    where dept_team_parent_id is not null and dept_team_parent_name is not null
    group by dept_team_parent_id, dept_team_parent_name
    qualify row_number() over (partition by dept_team_parent_id
                               order by count(*) desc, min(_row_number)) = 1
),

areas as (
    select a.area_id, coalesce(n.area_name, a.area_id) as area_name
    from (select distinct dept_team_parent_id as area_id from teams where dept_team_parent_id is not null) a
    left join area_names n using (area_id)
),

taken as (
    select distinct lower(lead_name) as lead_key from {{ source('meta', 'strategic_leads') }}
    union select 'unassigned'
),

named as (
    select
        a.area_id,
        a.area_name,
        coalesce(
            l.lead_name,
            case when lower(a.area_name) in (select lead_key from taken)
                      or count(*) over (partition by lower(a.area_name)) > 1
                 then a.area_name || ' (' || a.area_id || ')'
                 else a.area_name end
        ) as lead
    from areas a
    left join {{ source('meta', 'strategic_leads') }} l on l.area_id = a.area_id
)

select
    t.dept_team_id as team_id,
    t.dept_team_name as team_name,
    t.dept_team_parent_id as area_id,
    n.area_name,
    n.lead
from teams t
left join named n on n.area_id = t.dept_team_parent_id
