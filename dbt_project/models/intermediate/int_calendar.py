"""The working-day calendar every working-day rule uses (docs/conventions.md#working-days, #add_wd).

Built from csc_compliance.core.workdays (England and Wales bank holidays from the `holidays` library,
substitute days included), so the SQL macros add_wd / working_days_between and the Python reference
functions share one definition."""
import datetime as dt

DEFAULT_START = dt.date(1990, 1, 1)
# Local standards are at most ten years long (config.MAX_STANDARD), so every due date the measures compute
# from a date on or before D falls within twelve years of it.
YEARS_AFTER_D = 12


def model(dbt, session):
    dbt.config(materialized="table")
    from csc_compliance.core.workdays import calendar_frame

    reporting_date = dt.date.fromisoformat(dbt.config.get("reporting_date"))
    # From the earliest date in the extract (a placeholder such as 1900-01-01 is still a date) or 1990,
    # whichever is earlier, to well after any due date the measures compute from D.
    earliest = dbt.ref("int_earliest_date").fetchall()[0][0]
    start = min(DEFAULT_START, earliest) if earliest is not None else DEFAULT_START
    end = dt.date(reporting_date.year + YEARS_AFTER_D, 12, 31)
    return calendar_frame(start, end)
