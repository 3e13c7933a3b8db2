-- The child's allocated worker at D (docs/conventions.md#attribution): the open involvement whose role,
-- trimmed and case-insensitive, is an allocated-worker role (local standard allocated_worker_roles); with several,
-- the latest start, then the greatest involvement id.
{%- set roles = standard('allocated_worker_roles') %}
select
    invo_person_id as person_id,
    invo_professional_id as worker_id,
    invo_professional_team as team_id,
    invo_involvement_start_date as allocated_since,
    invo_involvements_id as involvement_id
from {{ ref('stg_ssd_involvements') }}
where invo_person_id is not null
  and invo_professional_id is not null
  and upper(trim(invo_professional_role_id)) in (
      {%- for r in roles %}'{{ r | trim | upper | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%})
  and {{ open_at_d('invo_involvement_start_date', 'invo_involvement_end_date') }}
{{ one_of_several('invo_person_id', 'invo_involvement_start_date', 'invo_involvements_id') }}
