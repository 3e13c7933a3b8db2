"""An extract's manifest.json: when it was taken (as_at, the reporting date) and whose it is (authority),
read and checked before anything else."""
from __future__ import annotations

import json
from pathlib import Path

from csc_compliance.core.errors import ExtractError
from csc_compliance.core.parsing import iso_date


def read_manifest(extract_dir: Path) -> dict | None:
    """manifest.json ({"as_at": "YYYY-MM-DD", "authority": "<code>"}) if present, validated."""
    path = extract_dir / "manifest.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractError(f"not valid JSON ({exc})", file=path.name) from None
    except OSError as exc:
        raise ExtractError(f"cannot be read ({exc.strerror})", file=path.name) from None
    if not isinstance(data, dict):
        raise ExtractError("expected a JSON object", file=path.name)
    if "as_at" in data:
        try:
            data["as_at"] = iso_date(data["as_at"])
        except ValueError:
            raise ExtractError("as_at is not a YYYY-MM-DD date", file=path.name, column="as_at") from None
    if "authority" in data and not (isinstance(data["authority"], str) and data["authority"].strip()):
        raise ExtractError("authority is not an authority code", file=path.name, column="authority")
    return data

def check_manifest_authority(manifest: dict | None, code: str, configured: bool) -> None:
    """An extract whose manifest names another authority than the configured one is refused: publishing it
    would send one authority's children to another's leads (a drop folder mixed up, a copied config)."""
    if not manifest or "authority" not in manifest or not configured:
        return
    named = manifest["authority"].strip()
    if named.casefold() != code.casefold():
        raise ExtractError(f"the extract is for authority {named!r} but this run's configuration is for "
                           f"{code!r}: is this another authority's extract?",
                           file="manifest.json", column="authority")
