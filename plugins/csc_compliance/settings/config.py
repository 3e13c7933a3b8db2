"""The run configuration (docs/contract.md#configuration): every key optional, defaults from the measure
catalogue (docs/measures.md#local-standards-defaults). Validated whole at start: an unknown key or a bad value
stops the run naming it."""
from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from csc_compliance.core.catalogue import measure_catalogue
from csc_compliance.core.errors import ConfigError
from csc_compliance.core.vocabulary import UNASSIGNED_LEAD

UNITS = ("working_days", "days", "weeks", "months")
# The longest a local standard may be, in each unit: ten years. Longer is a typing error (an extra 0), and
# the working-day calendar (int_calendar) reaches twelve years past D to hold every due date counted from D.
MAX_STANDARD = {"working_days": 2600, "days": 3652, "weeks": 520, "months": 120}
TOP_LEVEL_KEYS = {"authority", "local_standards", "strategic_leads", "history"}
# A lead's workbook is named after the lead (docs/contract.md#lead-workbooks), cut to this many characters so the
# file name stays within what every file system takes (255 bytes) whatever an area's name holds.
WORKBOOK_STEM_MAX = 80


def workbook_stem(lead: str) -> str:
    """The lead's name with every character other than letters, digits, space, - and _ replaced by _."""
    return re.sub(r"[^\w \-]", "_", lead)[:WORKBOOK_STEM_MAX]


@dataclass(frozen=True)
class Lead:
    name: str
    area_ids: tuple[str, ...]
    email: str | None = None
    workbook_password_env: str | None = None


@dataclass(frozen=True)
class Config:
    authority_code: str = "LA"
    authority_name: str = "Local authority"
    local_standards: dict = field(default_factory=dict)
    leads: tuple[Lead, ...] = ()
    retention_days: int = 730
    source: str = "(embedded defaults)"
    authority_configured: bool = False   # authority.code given (not the default): extracts are checked against it

    def lead_for_area(self) -> dict[str, str]:
        return {a: lead.name for lead in self.leads for a in lead.area_ids}

    def check_workbook_passwords(self, environ=None) -> dict[str, str]:
        """Each lead's workbook password, by lead name, from the environment variable the configuration names
        (`workbook_password_env`). A variable named but missing or empty stops the run: call this at the
        start, before anything is built. Messages name the lead and the variable, never a password."""
        environ = os.environ if environ is None else environ
        passwords = {}
        for lead in self.leads:
            if not lead.workbook_password_env:
                continue
            password = environ.get(lead.workbook_password_env, "")
            if not password:
                raise ConfigError(f"configuration {self.source}: the workbook of lead {lead.name!r} is to be "
                                  f"encrypted with the password in the environment variable "
                                  f"{lead.workbook_password_env}, which is not set or is empty")
            passwords[lead.name] = password
        return passwords


def default_standards() -> dict:
    return copy.deepcopy(measure_catalogue()["local_standards"])


def _fail(where: str, problem: str, source: str) -> ConfigError:
    return ConfigError(f"configuration {source}: {where}: {problem}")


def _int(value, where, source, minimum=0, maximum=None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(where, f"{value!r} is not a whole number of at least {minimum}", source)
    if maximum is not None and value > maximum:
        raise _fail(where, f"{value!r} is more than {maximum}, ten years: is a digit too many?", source)
    return value


def _unit_of(name: str) -> str | None:
    """The unit a threshold's name ends in (red_weeks, watch_months, due_soon_horizon_working_days)."""
    return next((u for u in UNITS if name.endswith(u)), None)


def _str_list(value, where, source) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, f"{value!r} is not a non-empty list of text values", source)
    return value


def _check_keys(mapping, allowed, where, source):
    if not isinstance(mapping, dict):
        raise _fail(where, f"expected a mapping, got {type(mapping).__name__}", source)
    for key in mapping:
        if key not in allowed:
            raise _fail(f"{where}.{key}" if where else str(key),
                        f"unknown key (allowed: {', '.join(sorted(allowed))})", source)


def _validate_standard(name: str, value, default, source):
    where = f"local_standards.{name}"
    if isinstance(default, dict) and "unit" in default:
        _check_keys(value, {"every", "unit"}, where, source)
        if "unit" in value and "every" not in value and value["unit"] != default["unit"]:
            # the default's number is in the default's unit: 10 working days is not 10 months
            raise _fail(f"{where}.every", f"a new unit ({value['unit']!r}) needs its own every: the default "
                        f"{default['every']} is in {default['unit']}", source)
        merged = {**default, **value}
        if merged["unit"] not in UNITS:
            raise _fail(f"{where}.unit", f"{merged['unit']!r} is not one of {', '.join(UNITS)}", source)
        _int(merged["every"], f"{where}.every", source, minimum=1, maximum=MAX_STANDARD[merged["unit"]])
        return merged
    if isinstance(default, dict):
        _check_keys(value, set(default), where, source)
        merged = {**default, **value}
        for k, v in merged.items():
            _int(v, f"{where}.{k}", source, minimum=1, maximum=MAX_STANDARD.get(_unit_of(k)))
        first, second = list(merged)  # watch threshold, then red threshold
        if merged[second] < merged[first]:
            raise _fail(where, f"{second} ({merged[second]}) is below {first} ({merged[first]})", source)
        return merged
    if isinstance(default, list):
        return _str_list(value, where, source)
    if isinstance(default, int):
        return _int(value, where, source, minimum=1 if name == "caseload_threshold" else 0,
                    maximum=MAX_STANDARD.get(_unit_of(name)))
    if name == "manager_job_title_pattern":
        if not isinstance(value, str) or not value:
            raise _fail(where, f"{value!r} is not a regular expression", source)
        try:
            re.compile(value)
        except re.error as exc:
            raise _fail(where, f"{value!r} is not a valid regular expression ({exc})", source) from None
        return value
    raise _fail(where, "unsupported value", source)  # pragma: no cover - catalogue shapes are closed


def _validate_leads(value, source) -> tuple[Lead, ...]:
    if not isinstance(value, list):
        raise _fail("strategic_leads", "expected a list of leads", source)
    leads, seen_names, seen_areas = [], set(), {}
    seen_files = {workbook_stem(UNASSIGNED_LEAD).casefold(): UNASSIGNED_LEAD}
    for i, item in enumerate(value):
        where = f"strategic_leads[{i}]"
        _check_keys(item, {"name", "area_ids", "area_id", "email", "workbook_password_env"}, where, source)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(f"{where}.name", "every lead needs a name", source)
        if name in seen_names or name == UNASSIGNED_LEAD:
            raise _fail(f"{where}.name", f"{name!r} is used twice or reserved", source)
        seen_names.add(name)
        # two leads' workbooks in one file would show one lead's children to the other: refused, named
        file = workbook_stem(name).casefold()
        if file in seen_files:
            raise _fail(f"{where}.name", f"{name!r} and {seen_files[file]!r} would share one workbook file "
                        f"({workbook_stem(name)}.xlsx): give leads names that differ in letters or digits", source)
        seen_files[file] = name
        if "area_ids" in item and "area_id" in item:
            raise _fail(where, "give area_ids or area_id, not both", source)
        areas = item["area_ids"] if "area_ids" in item else [item["area_id"]] if "area_id" in item else None
        if areas is None:
            raise _fail(where, "a lead needs area_ids (or area_id)", source)
        if (not isinstance(areas, list) or not areas
                or not all(isinstance(a, (str, int)) and not isinstance(a, bool) and str(a).strip() for a in areas)):
            raise _fail(f"{where}.area_ids", f"{areas!r} is not a non-empty list of area ids", source)
        areas = [str(a) for a in areas]
        for a in areas:
            if a in seen_areas:
                raise _fail(f"{where}.area_ids", f"area {a!r} is already routed to {seen_areas[a]!r}", source)
            seen_areas[a] = name
        for opt in ("email", "workbook_password_env"):
            if opt in item and not isinstance(item[opt], str):
                raise _fail(f"{where}.{opt}", f"{item[opt]!r} is not text", source)
        if "email" in item and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", item["email"]):
            raise _fail(f"{where}.email", f"{item['email']!r} is not an email address", source)
        if "workbook_password_env" in item and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*",
                                                                item["workbook_password_env"]):
            raise _fail(f"{where}.workbook_password_env", f"{item['workbook_password_env']!r} is not the name of "
                        "an environment variable (letters, digits and _)", source)
        leads.append(Lead(name, tuple(areas), item.get("email"), item.get("workbook_password_env")))
    return tuple(leads)


def parse_config(raw: dict | None, source: str = "(embedded defaults)") -> Config:
    raw = raw or {}
    _check_keys(raw, TOP_LEVEL_KEYS, "", source)
    defaults = default_standards()
    standards = dict(defaults)
    ls = raw.get("local_standards") or {}
    _check_keys(ls, set(defaults), "local_standards", source)
    for name, value in ls.items():
        standards[name] = _validate_standard(name, value, defaults[name], source)

    authority = raw.get("authority") or {}
    _check_keys(authority, {"code", "name"}, "authority", source)
    code = str(authority.get("code", "LA"))
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        raise _fail("authority.code", f"{code!r} must be 1-32 letters, digits, - or _", source)
    history = raw.get("history") or {}
    _check_keys(history, {"retention_days"}, "history", source)
    retention = _int(history.get("retention_days", 730), "history.retention_days", source, minimum=1)
    return Config(
        authority_code=code,
        authority_name=str(authority.get("name", code)),
        local_standards=standards,
        leads=_validate_leads(raw.get("strategic_leads") or [], source),
        retention_days=retention,
        source=source,
        authority_configured="code" in authority,
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML whose mappings may not repeat a key: PyYAML would keep the last silently, so a standard typed twice
    would be read as whichever came second."""


def _mapping_without_repeats(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:   # an unhashable key: PyYAML's own error says so
            break
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice (first at line {first + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats)


def load_yaml(text: str):
    """Parse a configuration file's YAML (safe: no Python objects), refusing a key given twice in one mapping."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def read_config(path: str | Path | None) -> tuple[bytes, Config]:
    """The configuration file's bytes and what they say. A run reads its file once, at prepare, and every
    later stage parses the same bytes (`config_from_bytes`), so an edit during a run changes nothing in it."""
    if path is None or str(path) == "":
        return b"", parse_config({})
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"configuration file {path} is a folder, not a file")
    if not path.is_file():
        raise ConfigError(f"configuration file {path} does not exist")
    data = path.read_bytes()
    return data, config_from_bytes(data, str(path))


def config_from_bytes(data: bytes, source: str) -> Config:
    """Parse a configuration file's bytes; `source` (its path) names it in every message."""
    try:
        raw = load_yaml(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"configuration file {source} is not UTF-8 text") from None
    except yaml.YAMLError as exc:   # one plain sentence: where, and PyYAML's short reason, never its drawing
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        raise ConfigError(f"configuration file {source} is not valid YAML{where}"
                          + (f": {problem}" if problem else "")) from None
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"configuration file {source}: expected a mapping of keys at the top level")
    return parse_config(raw, source)


def load_config(path: str | Path | None) -> Config:
    return read_config(path)[1]
