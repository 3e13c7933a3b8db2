"""`csc-compliance generate`: a synthetic extract (fictional children only), or a region of them."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path


def _today_in_london() -> str:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()


def command(args) -> int:
    from csc_compliance.generate import generate_extract

    args.as_at = args.as_at or _today_in_london()

    out = Path(args.out).expanduser()
    try:
        if args.profile == "region":
            from csc_compliance.generate.region import generate_region

            region = generate_region(out, Path(args.region_out).expanduser() if args.region_out
                                     else out.resolve().parent / "region-out", profile=args.each,
                                     authorities=args.authorities, seed=args.seed,
                                     as_at=dt.date.fromisoformat(args.as_at))
            print(f"Wrote {args.authorities} synthetic '{args.each}' extracts (as at {args.as_at}) under {out}; "
                  f"regional file {region}.")
            return 0
        report = generate_extract(profile=args.profile, seed=args.seed,
                                  as_at=dt.date.fromisoformat(args.as_at), out_dir=out)
    except (ValueError, KeyError) as exc:
        print(f"csc-compliance: generate failed: {exc}", file=sys.stderr)
        return 1
    rows = sum(report.tables.values())
    print(f"Wrote a synthetic '{args.profile}' extract (seed {args.seed}, as at {args.as_at}) to {out}: "
          f"{len(report.tables)} tables, {rows:,} rows.")
    return 0
