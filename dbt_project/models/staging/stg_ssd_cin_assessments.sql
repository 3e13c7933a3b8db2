-- ssd_cin_assessments, typed as docs/contract.md#ssd_cin_assessments reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
with keyed as (
select
    {{ csc_text('cina_assessment_id') }} as cina_assessment_id,
    {{ csc_ref('cina_person_id') }} as cina_person_id,
    {{ csc_ref('cina_referral_id') }} as cina_referral_id,
    {{ csc_date('cina_assessment_start_date') }} as cina_assessment_start_date,
    {{ csc_date('cina_assessment_auth_date') }} as cina_assessment_auth_date,
    {{ csc_flag('cina_assessment_outcome_nfa') }} as cina_assessment_outcome_nfa,
    {{ csc_flag('cina_assessment_child_seen') }} as cina_assessment_child_seen,
    {{ csc_ref('cina_assessment_team') }} as cina_assessment_team,
    {{ csc_ref('cina_assessment_worker_id') }} as cina_assessment_worker_id,
    coalesce(csc_parse_date(cina_assessment_start_date) > {{ reporting_date() }}, false) as _starts_after_d,
    _row_number
from {{ source('raw', 'ssd_cin_assessments') }}
{{ first_row_per_key('cina_assessment_id') }}
)

-- an assessment that starts after D has not happened: ignored by every measure and rate, even when its
-- authorisation date is on or before D (docs/conventions.md#nothing-after-d-counts). The first row of a key
-- is chosen first: a later row sharing the key of an ignored assessment does not take its place.
select * exclude (_starts_after_d) from keyed where not _starts_after_d
