-- CIN plans open at D of CIN-level children (docs/conventions.md#cin-level-child: an open CIN plan, neither
-- on an open CP plan nor looked after). A CIN plan left open alongside a CP plan or a period of care is a recording
-- gap, not a CIN exception.
select
    p.cinp_cin_plan_id as cin_plan_id,
    p.cinp_person_id as person_id,
    p.cinp_cin_plan_start_date as start_date,
    p.cinp_cin_plan_team as team_id,
    p.cinp_cin_plan_worker_id as worker_id
from {{ ref('stg_ssd_cin_plans') }} p
join {{ ref('int_person_case_status') }} cs on cs.person_id = p.cinp_person_id
where {{ open_at_d('p.cinp_cin_plan_start_date', 'p.cinp_cin_plan_end_date') }}
  and cs.is_cin_level
