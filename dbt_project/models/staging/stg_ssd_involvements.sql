-- ssd_involvements, typed as docs/contract.md#ssd_involvements reads it: bad values and links naming no row are null
-- (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('invo_involvements_id') }} as invo_involvements_id,
    {{ csc_ref('invo_professional_id') }} as invo_professional_id,
    {{ csc_text('invo_professional_role_id') }} as invo_professional_role_id,
    {{ csc_ref('invo_professional_team') }} as invo_professional_team,
    {{ csc_date('invo_involvement_start_date') }} as invo_involvement_start_date,
    {{ csc_date('invo_involvement_end_date') }} as invo_involvement_end_date,
    {{ csc_ref('invo_person_id') }} as invo_person_id,
    {{ csc_text('invo_referral_id') }} as invo_referral_id,
    _row_number
from {{ source('raw', 'ssd_involvements') }}
{{ first_row_per_key('invo_involvements_id') }}
