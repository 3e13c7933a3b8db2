-- CP_VISIT_RATE (docs/measures.md#cp_visit_rate): the children of CP_VISIT's population at D, in time when none of
-- their CP_VISIT items is overdue.
{{ children_not_overdue('CP_VISIT_RATE', 'int_measure_cp_visit') }}
