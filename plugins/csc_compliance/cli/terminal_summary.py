"""The short summary printed after a successful run: exceptions per measure and per lead, and where the
files are."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from csc_compliance.core.catalogue import measure_catalogue, measure_label

# what a run publishes, as the terminal lists it (docs/contract.md#outputs)
OUTPUTS = [
    ("exceptions/exceptions.csv", "every exception row, all leads"),
    ("exceptions/summary.html", "the leads' summary page"),
    ("kpis/kpi_values.csv", "the rates at every level"),
    ("dq/recording_gaps.csv", "one row per recording gap"),
    ("data_docs/index.html", "data-quality documentation for auditors"),
    ("dbt_docs/index.html", "dbt documentation: lineage from each table to each measure"),
    ("run_manifest.json", "checksums, row counts, versions and timings of this run"),
    ("warehouse.duckdb", "the warehouse"),
    ("history.duckdb", "every run's rates and exceptions, by reporting date"),
]


def print_summary(out: Path, seconds: float, log_file: Path) -> None:
    manifest = json.loads((out / "run_manifest.json").read_text())
    exceptions = pd.read_csv(out / "exceptions" / "exceptions.csv", dtype=str, keep_default_na=False)
    kpis = pd.read_csv(out / "kpis" / "kpi_values.csv", dtype=str, keep_default_na=False)
    gaps = pd.read_csv(out / "dq" / "recording_gaps.csv", dtype=str, keep_default_na=False)
    measures = measure_catalogue()
    standards = manifest.get("config", {}).get("local_standards")   # the run's: labels quote its thresholds

    def label(kpi_id: str) -> str:
        text = measure_label(kpi_id, standards)
        return text if len(text) <= 52 else text[:51] + "…"
    lines = [f"Run complete for {manifest['authority']['name']} as at {manifest['reporting_date']} "
             f"in {seconds:.0f} s.", "", "Exceptions by measure (overdue / due soon / watch):"]
    unavailable = manifest.get("measures_not_available", {})
    for kpi_id in measures["exception_measures"]:
        counts = exceptions[exceptions.kpi_id == kpi_id].status.value_counts()
        if kpi_id in unavailable:
            lines.append(f"  {kpi_id:<22} {label(kpi_id):<52} {unavailable[kpi_id]}")
            continue
        lines.append(f"  {kpi_id:<22} {label(kpi_id):<52} {counts.get('overdue', 0):>6} / "
                     f"{counts.get('due_soon', 0):>6} / {counts.get('watch', 0):>6}")
    lines += ["", "Rates (authority):"]
    for r in kpis[kpis.level == "la"].itertuples():
        if r.note:
            value, detail = "-", r.note
        elif r.denominator == "":                      # a count: the number itself
            value, detail = r.numerator, "(count)"
        else:
            value = f"{float(r.value):.1%}" if r.value else "-"
            detail = f"{r.numerator}/{r.denominator}"
        lines.append(f"  {r.kpi_id:<26} {label(r.kpi_id):<52} {value:>7}  {detail}")
    lines += ["", "Exceptions and recording gaps by strategic lead:"]
    for lead, info in sorted(manifest["workbooks"].items()):
        lines.append(f"  {lead:<30} {info['exceptions']:>6} exceptions  {info['recording_gaps']:>6} gaps  "
                     f"{info['file']}")
    for lead, info in sorted(manifest["workbooks"].items()):
        if info.get("areas_not_in_extract"):
            lines.append(f"  warning: area {', '.join(info['areas_not_in_extract'])} configured for {lead} is not "
                         "in the extract's ssd_department: check the configuration's area ids")
    encrypted = sorted(lead for lead, info in manifest["workbooks"].items() if info.get("encrypted"))
    if encrypted:
        lines.append(f"  encrypted workbooks (password from the configured variable): {', '.join(encrypted)}")
    absent = sorted(t["table"] for t in manifest.get("extract", {}).get("tables", []) if not t.get("present"))
    if absent:
        lines += ["", f"Tables not in the extract ({len(absent)}): {', '.join(absent)}: the measures reading them "
                      "are not available."]
    lines += ["", f"Recording gaps: {len(gaps):,} (dq/recording_gaps.csv)", f"Outputs in {out}:"]
    lines += [f"  {path:<28} {what}" for path, what in OUTPUTS if (out / path).exists()]
    lines.append(f"Log: {log_file}")
    print("\n".join(lines))
