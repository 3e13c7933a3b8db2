-- Pre-proceedings rows not concluded at D (docs/measures.md#plo_duration): no outcome recorded and no step-down /
-- issue date on or before D. The clock starts at the initial pre-proceedings meeting, else the letter
-- date, else the decision date.
select
    prep_table_id as record_id,
    prep_person_id as person_id,
    coalesce(prep_plo_family_id, 'PERSON:' || prep_person_id) as family_id,
    coalesce(prep_initial_pre_pro_meeting_date, prep_pre_pro_letter_date, prep_pre_pro_decision_date) as clock_start
from {{ ref('stg_ssd_pre_proceedings') }}
where prep_pre_pro_outcome is null
  and prep_agree_stepdown_issue_date is null
  and coalesce(prep_initial_pre_pro_meeting_date, prep_pre_pro_letter_date, prep_pre_pro_decision_date) is not null
