-- Teams and their areas (kpis.md "Attribution": area = the team's parent in ssd_department) with the
-- strategic lead each area routes to: the configured lead, else a lead named after the area
-- (dept_team_parent_name); contract.md "Configuration".
select
    d.dept_team_id as team_id,
    d.dept_team_name as team_name,
    d.dept_team_parent_id as area_id,
    d.dept_team_parent_name as area_name,
    coalesce(l.lead_name, d.dept_team_parent_name, d.dept_team_parent_id) as lead
from {{ ref('stg_ssd_department') }} d
left join {{ source('meta', 'strategic_leads') }} l
    on l.area_id = d.dept_team_parent_id
where d.dept_team_id is not null
