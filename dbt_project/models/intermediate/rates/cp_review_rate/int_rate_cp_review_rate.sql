-- CP_REVIEW_RATE (docs/measures.md#cp_review_rate): the items of CP_REVIEW's population at D, in time when not overdue.
{{ items_not_overdue('CP_REVIEW_RATE', 'int_measure_cp_review') }}
