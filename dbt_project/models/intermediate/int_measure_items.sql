-- Every item of every exception measure's population at D, with its status and attribution (macro
-- measure_items). Exceptions are the items with a status; rates built on a measure select the same items, so a
-- measure's rate and its exception list agree.
{{ measure_items([
    ref('int_measure_assess_45wd'),
    ref('int_measure_s47_icpc_15wd'),
    ref('int_measure_core_group_first'),
    ref('int_measure_core_group_interval'),
    ref('int_measure_cp_visit'),
    ref('int_measure_cp_review'),
    ref('int_measure_cin_visit'),
    ref('int_measure_cin_review'),
    ref('int_measure_cla_visit'),
    ref('int_measure_cla_review'),
    ref('int_measure_pathway_plan_review'),
    ref('int_measure_no_current_plan'),
    ref('int_measure_plo_duration'),
    ref('int_measure_cp_duration'),
    ref('int_measure_unallocated'),
    ref('int_measure_manager_held'),
    ref('int_measure_caseload'),
    ref('int_measure_supervision')
]) }}
