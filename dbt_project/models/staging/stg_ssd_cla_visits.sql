-- ssd_cla_visits, typed as contract.md reads it: bad values and links naming no row are null (each is a recording
-- gap), dates after D are null, and rows sharing a key keep the first in file order.
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
