-- ssd_person, typed as docs/contract.md#ssd_person reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('pers_person_id') }} as pers_person_id,
    {{ csc_date('pers_dob') }} as pers_dob,
    {{ csc_text('pers_sex') }} as pers_sex,
    {{ csc_due_date('pers_expected_dob') }} as pers_expected_dob,
    {{ csc_date('pers_death_date') }} as pers_death_date,
    {{ csc_text('pers_forename') }} as pers_forename,
    {{ csc_text('pers_surname') }} as pers_surname,
    {{ csc_text('pers_upn') }} as pers_upn,
    {{ csc_text('pers_single_unique_id') }} as pers_single_unique_id,
    {{ csc_text('pers_common_child_id') }} as pers_common_child_id,
    _row_number
from {{ source('raw', 'ssd_person') }}
{{ first_row_per_key('pers_person_id') }}
