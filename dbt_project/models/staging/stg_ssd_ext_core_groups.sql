-- ssd_ext_core_groups, typed as docs/contract.md#ssd_ext_core_groups reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cogr_core_group_id') }} as cogr_core_group_id,
    {{ csc_ref('cogr_person_id') }} as cogr_person_id,
    {{ csc_ref('cogr_cp_plan_id') }} as cogr_cp_plan_id,
    {{ csc_date('cogr_meeting_date') }} as cogr_meeting_date,
    {{ csc_ref('cogr_team') }} as cogr_team,
    {{ csc_ref('cogr_worker_id') }} as cogr_worker_id,
    _row_number
from {{ source('raw', 'ssd_ext_core_groups') }}
{{ first_row_per_key('cogr_core_group_id') }}
