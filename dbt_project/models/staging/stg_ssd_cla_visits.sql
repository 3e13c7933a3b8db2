-- ssd_cla_visits, typed as docs/contract.md#ssd_cla_visits reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('clav_cla_visit_id') }} as clav_cla_visit_id,
    {{ csc_ref('clav_cla_id') }} as clav_cla_id,
    {{ csc_ref('clav_person_id') }} as clav_person_id,
    {{ csc_date('clav_cla_visit_date') }} as clav_cla_visit_date,
    {{ csc_flag('clav_cla_visit_seen') }} as clav_cla_visit_seen,
    {{ csc_flag('clav_cla_visit_seen_alone') }} as clav_cla_visit_seen_alone,
    _row_number
from {{ source('raw', 'ssd_cla_visits') }}
{{ first_row_per_key('clav_cla_visit_id') }}
