-- ssd_professionals, typed as docs/contract.md#ssd_professionals reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('prof_professional_id') }} as prof_professional_id,
    {{ csc_text('prof_staff_id') }} as prof_staff_id,
    {{ csc_text('prof_professional_name') }} as prof_professional_name,
    {{ csc_text('prof_professional_job_title') }} as prof_professional_job_title,
    {{ csc_flag('prof_agency_worker_flag') }} as prof_agency_worker_flag,
    _row_number
from {{ source('raw', 'ssd_professionals') }}
{{ first_row_per_key('prof_professional_id') }}
