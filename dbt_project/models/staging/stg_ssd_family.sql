-- ssd_family, typed as docs/contract.md#ssd_family reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('fami_table_id') }} as fami_table_id,
    {{ csc_text('fami_family_id') }} as fami_family_id,
    {{ csc_ref('fami_person_id') }} as fami_person_id,
    _row_number
from {{ source('raw', 'ssd_family') }}
{{ first_row_per_key('fami_table_id') }}
