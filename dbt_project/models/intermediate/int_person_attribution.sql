-- Per child, the attribution sources that do not depend on the measure (docs/conventions.md#attribution): the
-- allocated worker and that involvement's team, and the open referral's team and worker (last fallback).
-- Measures add their own source record's team/worker between the two (see int_measure_items); what needs no
-- source record (recording gaps, rates over events with no team of their own) reads worker_id / team_id.
with people as (
    select person_id from {{ ref('int_allocated_workers') }}
    union select person_id from {{ ref('int_open_referrals') }}
)

select
    people.person_id,
    alloc.worker_id as allocated_worker_id,
    alloc.team_id as allocated_team_id,
    ref.worker_id as referral_worker_id,
    ref.team_id as referral_team_id,
    coalesce(alloc.worker_id, ref.worker_id) as worker_id,
    coalesce(alloc.team_id, ref.team_id) as team_id
from people
left join {{ ref('int_allocated_workers') }} as alloc using (person_id)
left join {{ ref('int_open_referrals') }} as ref using (person_id)
