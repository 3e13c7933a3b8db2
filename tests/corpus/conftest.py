"""The bad-input corpus (docs/contract.md#input): every case is a mutation of one generated extract.

`base_extract` generates it once per test process (about 1.5 s); cases copy it, never change it."""
import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_tools import AS_AT, SEED  # noqa: E402


@pytest.fixture(scope="session")
def base_extract(tmp_path_factory):
    """(folder, GenerateReport) of the demo extract the corpus mutates. Read-only: copy before changing."""
    from csc_compliance.generate import generate_extract

    folder = tmp_path_factory.mktemp("corpus-base") / "extract"
    report = generate_extract(profile="demo", seed=SEED, as_at=dt.date.fromisoformat(AS_AT), out_dir=folder)
    return folder, report


@pytest.fixture(scope="session")
def values_run(base_extract, tmp_path_factory):
    """The extract of bad values and missing tables (bad_values_cases.py), run in-process through publish,
    and its reference extract (each bad value as the measures must read it) run through transform."""
    from bad_values_cases import build
    from corpus_tools import run_stages

    folder, report = base_extract
    root = tmp_path_factory.mktemp("corpus-values")
    marks = build(folder, report.gaps, root / "bad", reference=False)
    reference_marks = build(folder, report.gaps, root / "reference", reference=True)
    # an output folder named as councils name them: a quote and spaces in the path must publish too
    out = root / "Children's Services" / "out"
    warehouse = run_stages(root / "bad", out, "bad")
    reference = run_stages(root / "reference", root / "out-reference", "reference", through="transform")
    return {"root": root, "extract": root / "bad", "out": out, "marks": marks, "warehouse": warehouse,
            "reference": reference, "reference_marks": reference_marks}
