-- The items each rate measure counts, one model per rate (models/intermediate/rates/<id>/int_rate_<id>.sql):
-- one row per denominator item (for counts, per counted child or family), whether it is in the numerator,
-- and the worker and team it drills down to. fct_kpi_values aggregates them at every level.
select * from {{ ref('int_rate_assess_45wd_rate') }}
union all
select * from {{ ref('int_rate_icpc_15wd_rate') }}
union all
select * from {{ ref('int_rate_cp_visit_rate') }}
union all
select * from {{ ref('int_rate_cin_visit_rate') }}
union all
select * from {{ ref('int_rate_cla_visit_rate') }}
union all
select * from {{ ref('int_rate_cp_review_rate') }}
union all
select * from {{ ref('int_rate_cla_review_rate') }}
union all
select * from {{ ref('int_rate_cin_review_rate') }}
union all
select * from {{ ref('int_rate_pathway_plan_review_rate') }}
union all
select * from {{ ref('int_rate_core_group_rate') }}
union all
select * from {{ ref('int_rate_repeat_cp_rate') }}
union all
select * from {{ ref('int_rate_repeat_cp_2y_rate') }}
union all
select * from {{ ref('int_rate_re_referral_rate') }}
union all
select * from {{ ref('int_rate_cp_over_2y_children') }}
union all
select * from {{ ref('int_rate_cp_over_2y_families') }}
union all
select * from {{ ref('int_rate_plo_over_26w_children') }}
union all
select * from {{ ref('int_rate_plo_over_26w_families') }}
union all
select * from {{ ref('int_rate_seen_alone_rate') }}
union all
select * from {{ ref('int_rate_agency_rate') }}
union all
select * from {{ ref('int_rate_assessed_6m') }}
