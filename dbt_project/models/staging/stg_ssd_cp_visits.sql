-- ssd_cp_visits, typed as docs/contract.md#ssd_cp_visits reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cppv_cp_visit_id') }} as cppv_cp_visit_id,
    {{ csc_ref('cppv_person_id') }} as cppv_person_id,
    {{ csc_ref('cppv_cp_plan_id') }} as cppv_cp_plan_id,
    {{ csc_date('cppv_cp_visit_date') }} as cppv_cp_visit_date,
    {{ csc_flag('cppv_cp_visit_seen') }} as cppv_cp_visit_seen,
    {{ csc_flag('cppv_cp_visit_seen_alone') }} as cppv_cp_visit_seen_alone,
    _row_number
from {{ source('raw', 'ssd_cp_visits') }}
{{ first_row_per_key('cppv_cp_visit_id') }}
