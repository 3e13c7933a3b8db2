-- ssd_cla_care_plan, typed as docs/contract.md#ssd_cla_care_plan reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('lacp_table_id') }} as lacp_table_id,
    {{ csc_ref('lacp_person_id') }} as lacp_person_id,
    {{ csc_date('lacp_cla_care_plan_start_date') }} as lacp_cla_care_plan_start_date,
    {{ csc_date('lacp_cla_care_plan_end_date') }} as lacp_cla_care_plan_end_date,
    _row_number
from {{ source('raw', 'ssd_cla_care_plan') }}
{{ first_row_per_key('lacp_table_id') }}
