-- ssd_cla_placement, typed as docs/contract.md#ssd_cla_placement reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('clap_cla_placement_id') }} as clap_cla_placement_id,
    {{ csc_ref('clap_cla_id') }} as clap_cla_id,
    {{ csc_ref('clap_person_id') }} as clap_person_id,
    {{ csc_date('clap_cla_placement_start_date') }} as clap_cla_placement_start_date,
    {{ csc_date('clap_cla_placement_end_date') }} as clap_cla_placement_end_date,
    {{ csc_text('clap_cla_placement_type') }} as clap_cla_placement_type,
    {{ csc_text('clap_cla_placement_postcode') }} as clap_cla_placement_postcode,
    _row_number
from {{ source('raw', 'ssd_cla_placement') }}
{{ first_row_per_key('clap_cla_placement_id') }}
