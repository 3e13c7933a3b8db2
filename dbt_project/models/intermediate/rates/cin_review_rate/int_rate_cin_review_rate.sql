-- CIN_REVIEW_RATE (docs/measures.md#cin_review_rate): the items of CIN_REVIEW's population at D, in time when not overdue.
{{ items_not_overdue('CIN_REVIEW_RATE', 'int_measure_cin_review') }}
