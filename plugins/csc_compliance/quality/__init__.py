"""Data-quality engine: the rule catalogue's data-quality rules run as Great Expectations suites over the
landed `raw` tables, one suite per table. A failing row never stops the run; it becomes a recording gap
(docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run). Data Docs document every rule for auditors and never
show a cell value, because extracts hold personal data.

    from csc_compliance.quality import run_quality_suites, QualityResult
"""
from csc_compliance.quality.runner import QualityError, QualityResult, run_quality_suites

__all__ = ["QualityError", "QualityResult", "run_quality_suites"]
