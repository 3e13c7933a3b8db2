-- CLA_VISIT_RATE (docs/measures.md#cla_visit_rate): the children of CLA_VISIT's population at D, in time when none of
-- their CLA_VISIT items is overdue.
{{ children_not_overdue('CLA_VISIT_RATE', 'int_measure_cla_visit') }}
