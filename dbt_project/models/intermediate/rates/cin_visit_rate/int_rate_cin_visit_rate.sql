-- CIN_VISIT_RATE (docs/measures.md#cin_visit_rate): the children of CIN_VISIT's population at D, in time when none of
-- their CIN_VISIT items is overdue.
{{ children_not_overdue('CIN_VISIT_RATE', 'int_measure_cin_visit') }}
