"""The working-day calendar every working-day rule uses (kpis.md "Working day", add_wd).

Built from csc_compliance.workdays (England and Wales bank holidays from the `holidays` library,
substitute days included), so the SQL macros add_wd / working_days_between and the Python reference
functions share one definition."""
import datetime as dt


def model(dbt, session):
    dbt.config(materialized="table")
    from csc_compliance.workdays import calendar_frame

    reporting_date = dt.date.fromisoformat(dbt.config.get("reporting_date"))
    # From well before any child's record to well after any due date the measures compute from D.
    start = dt.date(1990, 1, 1)
    end = dt.date(reporting_date.year + 3, 12, 31)
    return calendar_frame(start, end)
