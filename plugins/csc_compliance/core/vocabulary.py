"""Names Python and dbt share, each defined once: what the outputs call what no one owns
(docs/conventions.md#attribution; dbt reads them as the `unassigned` var, macros/attribution.sql), and the
columns of a recording gap as the data-quality suites find it."""

UNASSIGNED_LEAD = "Unassigned"   # the lead of a row whose team has no known area
UNASSIGNED_UNIT = "UNASSIGNED"   # the unit of a KPI value, or a team, that is not known

# a recording gap as validation finds it (meta.recording_gaps); dq_recording_gaps adds who can fix it
RECORDING_GAP_COLUMNS = ("rule_id", "severity", "table", "row_number", "record_id", "person_id", "column", "message")
