-- The earliest date any staging model holds, so that int_calendar reaches back to it: a SQL Server placeholder
-- (1900-01-01, 1753-01-01) is a date like any other (docs/contract.md#file-formats) and its due date is counted in
-- working days like any other. Every DATE column of every staging model, found from the built tables.
{%- set staging = [
    ref('stg_ssd_care_leavers'), ref('stg_ssd_cin_assessments'), ref('stg_ssd_cin_episodes'),
    ref('stg_ssd_cin_plans'), ref('stg_ssd_cin_visits'), ref('stg_ssd_cla_care_plan'),
    ref('stg_ssd_cla_episodes'), ref('stg_ssd_cla_placement'), ref('stg_ssd_cla_reviews'),
    ref('stg_ssd_cla_visits'), ref('stg_ssd_cp_plans'), ref('stg_ssd_cp_reviews'), ref('stg_ssd_cp_visits'),
    ref('stg_ssd_department'), ref('stg_ssd_ext_cin_reviews'), ref('stg_ssd_ext_core_groups'),
    ref('stg_ssd_ext_supervisions'), ref('stg_ssd_family'), ref('stg_ssd_initial_cp_conference'),
    ref('stg_ssd_involvements'), ref('stg_ssd_person'), ref('stg_ssd_pre_proceedings'),
    ref('stg_ssd_professionals'), ref('stg_ssd_s47_enquiry'),
] -%}
{%- set parts = [] -%}
{%- if execute -%}
    {%- for relation in staging -%}
        {%- for column in adapter.get_columns_in_relation(relation) if column.dtype | upper == 'DATE' -%}
            {%- do parts.append('select min(' ~ adapter.quote(column.name) ~ ') as d from ' ~ relation) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}
select min(d) as earliest_date
from (
    select cast(null as date) as d
    {%- for part in parts %}
    union all {{ part }}
    {%- endfor %}
) dates
