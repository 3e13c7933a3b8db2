"""Which authorities a run serves: one (the DAG's params / the CLI's flags) or a regional group listed in
one file (docs/contract.md#configuration):

    authorities:
      - {code: "LA1", extract_dir: /data/drop/la1, out_dir: /data/out/la1, config: /data/config/la1.yml}

Each authority is processed on its own (its own warehouse, history and outputs under its `out_dir`), so
no child's data crosses an authority's boundary: output folders must be distinct and not nested."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from csc_compliance.core.errors import ConfigError
from csc_compliance.settings.config import load_yaml

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_KEYS = {"code", "extract_dir", "out_dir", "config"}


@dataclass(frozen=True)
class Authority:
    code: str
    extract_dir: str
    out_dir: str
    config: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def single(extract_dir: str, out_dir: str, config: str | None, code: str = "LA") -> list[dict]:
    return [Authority(code, extract_dir, out_dir, config or None).to_dict()]


def load_region(path: str | Path) -> list[dict]:
    """The authorities of a regional file, checked: every entry names its code, drop and output folders."""
    source = Path(path).expanduser()
    try:
        raw = load_yaml(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"regional configuration {source}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"regional configuration {source}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        raise ConfigError(f"regional configuration {source}: not valid YAML{where}"
                          + (f": {problem}" if problem else "")) from None
    if not isinstance(raw, dict) or set(raw) != {"authorities"} or not isinstance(raw["authorities"], list) \
            or not raw["authorities"]:
        raise ConfigError(f"regional configuration {source}: expected one key `authorities:` with a list of "
                          "authorities")
    base = source.resolve().parent
    found, codes, outs = [], set(), []
    for i, entry in enumerate(raw["authorities"], start=1):
        where = f"regional configuration {source}, authority {i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected code, extract_dir, out_dir and config")
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (expected {', '.join(sorted(_KEYS))})")
        for key in ("code", "extract_dir", "out_dir"):
            if not entry.get(key):
                raise ConfigError(f"{where}: `{key}` is missing")
        code = str(entry["code"])
        if not _CODE.match(code):
            raise ConfigError(f"{where}: code {code!r} must be 1-32 letters, digits, - or _")
        if code in codes:
            raise ConfigError(f"{where}: code {code!r} is listed twice")
        resolve = lambda p: str((base / Path(str(p)).expanduser()).resolve())  # noqa: E731
        out = Path(resolve(entry["out_dir"]))
        for other_code, other in outs:
            if out == other or out in other.parents or other in out.parents:
                raise ConfigError(f"{where}: out_dir {out} overlaps {other_code}'s {other}: each authority "
                                  "needs its own output folder")
        codes.add(code)
        outs.append((code, out))
        found.append(Authority(code, resolve(entry["extract_dir"]), str(out),
                               resolve(entry["config"]) if entry.get("config") else None).to_dict())
    return found
