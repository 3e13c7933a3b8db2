"""python -m csc_compliance.dfe_returns --903 DIR --cin FILE.xml [--cin ...] --as-at YYYY-MM-DD --out DIR
[--authority CODE]: write an SSD extract folder from DfE returns (see the package docstring).

The manifest's authority is `--authority`, else the first census file's LEA code, else `DFE`; a run with a
configuration naming another authority code refuses the extract (README "Running on your own extract"),
so give the code of the configuration the extract will be run with."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from csc_compliance.dfe_returns import build_extract
from csc_compliance.dfe_returns.cin_census import header_of


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real YYYY-MM-DD date") from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m csc_compliance.dfe_returns", description=__doc__.split("\n\n")[0])
    ap.add_argument("--903", dest="ssda903", metavar="DIR", help="folder of the SSDA903 return's CSV tables")
    ap.add_argument("--cin", action="append", metavar="FILE.xml", help="CIN census XML (may be repeated)")
    ap.add_argument("--as-at", required=True, type=_date, help="the extract's reporting date (manifest as_at)")
    ap.add_argument("--out", required=True, metavar="DIR", help="extract folder to write (new or empty)")
    ap.add_argument("--authority", help="authority code for manifest.json")
    args = ap.parse_args(argv)
    if not args.ssda903 and not args.cin:
        ap.error("give --903 DIR, --cin FILE.xml, or both")
    try:
        authority = args.authority
        if not authority and args.cin:
            authority = header_of(args.cin[0]).get("lea")
        report = build_extract(args.out, args.as_at, (authority or "DFE").strip(), args.ssda903, args.cin)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for note in report["notes"]:
        print(f"note: {note}", file=sys.stderr)
    rows = ", ".join(f"{t} {n}" for t, n in sorted(report["tables"].items()))
    print(f"wrote {args.out}: {report['children']} children; {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
