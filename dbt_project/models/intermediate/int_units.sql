-- Teams and their areas (kpis.md "Attribution": area = the team's parent in ssd_department) with the
-- strategic lead each area routes to: the configured lead, else a lead named after the area
-- (dept_team_parent_name); contract.md "Configuration". An unconfigured area whose name is a configured
-- lead's name (or Unassigned), compared case-insensitively, is named "<name> (<area id>)": its children must
-- not reach that lead, who is configured for other areas only.
with configured as (
    select distinct lower(lead_name) as lead_key from {{ source('meta', 'strategic_leads') }}
    union select 'unassigned'
)

select
    d.dept_team_id as team_id,
    d.dept_team_name as team_name,
    d.dept_team_parent_id as area_id,
    d.dept_team_parent_name as area_name,
    coalesce(
        l.lead_name,
        case when lower(coalesce(d.dept_team_parent_name, d.dept_team_parent_id)) in (select lead_key from configured)
             then coalesce(d.dept_team_parent_name, d.dept_team_parent_id) || ' (' || d.dept_team_parent_id || ')'
             else coalesce(d.dept_team_parent_name, d.dept_team_parent_id) end
    ) as lead
from {{ ref('stg_ssd_department') }} d
left join {{ source('meta', 'strategic_leads') }} l
    on l.area_id = d.dept_team_parent_id
where d.dept_team_id is not null
