-- ssd_cin_assessments, typed as docs/contract.md#ssd_cin_assessments reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
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
    _row_number
from {{ source('raw', 'ssd_cin_assessments') }}
-- an assessment that starts after D has not happened: ignored by every measure and rate, even when its
-- authorisation date is on or before D (docs/conventions.md#nothing-after-d-counts)
where not coalesce(csc_parse_date(cina_assessment_start_date) > {{ reporting_date() }}, false)
{{ first_row_per_key('cina_assessment_id') }}
