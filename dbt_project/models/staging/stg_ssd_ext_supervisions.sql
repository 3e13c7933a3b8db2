-- ssd_ext_supervisions, typed as docs/contract.md#ssd_ext_supervisions reads it: bad values and links naming no row
-- are null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('supv_supervision_id') }} as supv_supervision_id,
    {{ csc_ref('supv_person_id') }} as supv_person_id,
    {{ csc_date('supv_supervision_date') }} as supv_supervision_date,
    {{ csc_date('supv_recorded_date') }} as supv_recorded_date,
    {{ csc_ref('supv_supervisor_id') }} as supv_supervisor_id,
    {{ csc_ref('supv_worker_id') }} as supv_worker_id,
    _row_number
from {{ source('raw', 'ssd_ext_supervisions') }}
{{ first_row_per_key('supv_supervision_id') }}
