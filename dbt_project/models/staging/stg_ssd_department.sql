-- ssd_department, typed as docs/contract.md#ssd_department reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('dept_team_id') }} as dept_team_id,
    {{ csc_text('dept_team_name') }} as dept_team_name,
    {{ csc_text('dept_team_parent_id') }} as dept_team_parent_id,
    {{ csc_text('dept_team_parent_name') }} as dept_team_parent_name,
    _row_number
from {{ source('raw', 'ssd_department') }}
{{ first_row_per_key('dept_team_id') }}
