-- Each recording gap the data-quality suites found (docs/contract.md#recording_gapscsv), routed to who can
-- fix it (docs/conventions.md#attribution): the child's allocated worker and that involvement's team, else
-- the gap's own row's team and worker, else the child's open referral's; then the team's area and lead.
with gaps as (
    select * from {{ source('meta', 'recording_gaps') }}
),

owners as (
    {{ row_owners() }}
),

routed as (
    select
        g.*,
        {{ attributed_worker('pa', 'o.worker_id') }} as worker_id,
        {{ attributed_team('pa', 'o.team_id') }} as team_id
    from gaps g
    left join {{ ref('int_person_attribution') }} pa on pa.person_id = g.person_id
    left join owners o on o.tbl = g."table" and o._row_number = g.row_number
)

select
    r.rule_id, r.severity, r."table", r.row_number, r.record_id, r.person_id, r."column", r.message,
    r.worker_id, r.team_id, u.area_id,
    coalesce(u.lead, {{ unassigned_lead() }}) as lead
from routed r
left join {{ ref('int_units') }} u on u.team_id = r.team_id
order by r.rule_id, r."table", r.row_number
