-- ssd_cin_visits, typed as docs/contract.md#ssd_cin_visits reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cinv_cin_visit_id') }} as cinv_cin_visit_id,
    {{ csc_ref('cinv_person_id') }} as cinv_person_id,
    {{ csc_date('cinv_cin_visit_date') }} as cinv_cin_visit_date,
    {{ csc_flag('cinv_cin_visit_seen') }} as cinv_cin_visit_seen,
    {{ csc_flag('cinv_cin_visit_seen_alone') }} as cinv_cin_visit_seen_alone,
    _row_number
from {{ source('raw', 'ssd_cin_visits') }}
{{ first_row_per_key('cinv_cin_visit_id') }}
