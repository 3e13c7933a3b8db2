-- PATHWAY_PLAN_REVIEW_RATE (docs/measures.md#pathway_plan_review_rate): the items of PATHWAY_PLAN_REVIEW's population at D, in time when not overdue.
{{ items_not_overdue('PATHWAY_PLAN_REVIEW_RATE', 'int_measure_pathway_plan_review') }}
