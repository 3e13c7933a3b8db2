-- ssd_care_leavers, typed as docs/contract.md#ssd_care_leavers reads it: bad values and links naming no row are null
-- (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('clea_table_id') }} as clea_table_id,
    {{ csc_ref('clea_person_id') }} as clea_person_id,
    {{ csc_date('clea_pathway_plan_review_date') }} as clea_pathway_plan_review_date,
    {{ csc_ref('clea_care_leaver_allocated_team') }} as clea_care_leaver_allocated_team,
    {{ csc_ref('clea_care_leaver_worker_id') }} as clea_care_leaver_worker_id,
    _row_number
from {{ source('raw', 'ssd_care_leavers') }}
{{ first_row_per_key('clea_table_id') }}
