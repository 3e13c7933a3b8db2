-- ssd_cla_care_plan, typed as contract.md reads it: bad values and links naming no row are null (each is a recording
-- gap), dates after D are null, and rows sharing a key keep the first in file order.
select
    {{ csc_text('lacp_table_id') }} as lacp_table_id,
    {{ csc_ref('lacp_person_id') }} as lacp_person_id,
    {{ csc_date('lacp_cla_care_plan_start_date') }} as lacp_cla_care_plan_start_date,
    {{ csc_date('lacp_cla_care_plan_end_date') }} as lacp_cla_care_plan_end_date,
    _row_number
from {{ source('raw', 'ssd_cla_care_plan') }}
{{ first_row_per_key('lacp_table_id') }}
