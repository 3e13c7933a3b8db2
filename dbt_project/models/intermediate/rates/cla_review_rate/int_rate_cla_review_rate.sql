-- CLA_REVIEW_RATE (docs/measures.md#cla_review_rate): the items of CLA_REVIEW's population at D, in time when not overdue.
{{ items_not_overdue('CLA_REVIEW_RATE', 'int_measure_cla_review') }}
