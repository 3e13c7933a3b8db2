-- ssd_pre_proceedings, typed as docs/contract.md#ssd_pre_proceedings reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('prep_table_id') }} as prep_table_id,
    {{ csc_ref('prep_person_id') }} as prep_person_id,
    {{ csc_text('prep_plo_family_id') }} as prep_plo_family_id,
    {{ csc_date('prep_pre_pro_decision_date') }} as prep_pre_pro_decision_date,
    {{ csc_date('prep_initial_pre_pro_meeting_date') }} as prep_initial_pre_pro_meeting_date,
    {{ csc_date('prep_pre_pro_letter_date') }} as prep_pre_pro_letter_date,
    {{ csc_text('prep_pre_pro_outcome') }} as prep_pre_pro_outcome,
    {{ csc_date('prep_agree_stepdown_issue_date') }} as prep_agree_stepdown_issue_date,
    _row_number
from {{ source('raw', 'ssd_pre_proceedings') }}
{{ first_row_per_key('prep_table_id') }}
