-- PLO_OVER_26W_FAMILIES (docs/measures.md#plo_over_26w_families): a count of their families
-- (prep_plo_family_id; a row with none is a family of one).
select 'PLO_OVER_26W_FAMILIES' as kpi_id, family_id as item_id, person_id, true as in_numerator, worker_id, team_id
from ({{ pre_proceedings_over_26_weeks() }})
