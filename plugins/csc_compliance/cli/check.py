"""`csc-compliance check`: everything that would stop a run of this extract, found in seconds and listed."""
from __future__ import annotations

import sys
import time
from pathlib import Path


def command(args) -> int:
    """Exit 0 when a run of this extract would not be refused, 1 listing every problem when it would."""
    from csc_compliance.ingest.check import check_extract, report

    start = time.perf_counter()
    extract = Path(args.extract).expanduser().resolve()
    problems = check_extract(extract, args.config)
    seconds = time.perf_counter() - start
    if problems:
        print(f"csc-compliance check: {extract} would be refused: {report(problems)}", file=sys.stderr)
        return 1
    print(f"csc-compliance check: {extract} is ready to run: every file is readable with its required columns "
          f"({seconds:.1f} s). Bad values, if any, are reported by a run as recording gaps.")
    return 0
