"""Reference pages generated from the two catalogues (`python -m csc_compliance.devtools.reference_docs`): the
measures (id, label, population, due date, statute, model, tests) and the data-quality rules. A test
keeps the committed pages equal to what the catalogues generate."""
from __future__ import annotations

import sys

from csc_compliance.core.catalogue import PROJECT_DIR, measure_catalogue, measure_label, rule_catalogue, tables
from csc_compliance.devtools.model_docs import write_model_docs

DOCS_DIR = PROJECT_DIR / "docs"


def _anchor(name: str) -> str:
    """An anchor that `docs/measures.md#<name>` references land on (tests/test_doc_references.py checks them)."""
    return f'<a id="{name}"></a>'


def _cell(text) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def measures_page() -> str:
    m = measure_catalogue()
    lines = ["# Measures", "",
             "Generated from `plugins/csc_compliance/measures.yml` by",
             "`python -m csc_compliance.devtools.reference_docs`; written in the terms of `docs/conventions.md`.",
             "Each exception measure's folder",
             "`dbt_project/models/intermediate/measures/<id>/` holds its model (`int_measure_<id>.sql`), its YAML",
             "doc (generated from the catalogue) and its dbt unit tests (`unit_tests.yml`); each rate's folder is",
             "`dbt_project/models/intermediate/rates/<id>/` (`int_rate_<id>.sql`). Pipeline-level tests of every",
             "measure are in `tests/measures/`.", "",
             "## Exception measures", "",
             "| id | label | population at D | due date | statutory basis | needs |", "|---|---|---|---|---|---|"]
    for kpi_id, s in m["exception_measures"].items():
        lines.append(f"| {_anchor(kpi_id.lower())}`{kpi_id}` | {_cell(measure_label(kpi_id))} | "
                     f"{_cell(s['population'])} | {_cell(s['due'])} | "
                     f"{_cell(s['statute'])} | {', '.join(s['requires'])} |")
    lines += ["", "## Readings where the definition leaves a choice", ""]
    for kpi_id, s in {**m["exception_measures"], **m["rate_measures"]}.items():
        if s.get("interpretation"):
            lines.append(f"- `{kpi_id}`: {s['interpretation']}")
    lines += ["", "## Rate measures", "",
              "Each computed in `dbt_project/models/intermediate/rates/<id>/int_rate_<id>.sql`, "
              "published by `fct_kpi_values` at la, area, team and worker level.", "",
              "| id | label | denominator | numerator | basis | needs |", "|---|---|---|---|---|---|"]
    for kpi_id, s in m["rate_measures"].items():
        denominator = "(a count)" if s.get("count") else s["denominator"]
        lines.append(f"| {_anchor(kpi_id.lower())}`{kpi_id}` | {_cell(measure_label(kpi_id))} | "
                     f"{_cell(denominator)} | {_cell(s['numerator'])} | "
                     f"{_cell(s['statute'])} | {', '.join(s['requires'])} |")
    lines += ["", "## Local standards (defaults)", "", "| key | default |", "|---|---|"]
    for key, value in m["local_standards"].items():
        lines.append(f"| {_anchor('standard-' + key)}`{key}` | `{value}` |")
    return "\n".join(lines) + "\n"


def rules_page() -> str:
    cat = rule_catalogue()
    lines = ["# Data-quality rules", "",
             f"Generated from `expectations/catalogue.yml` (version {cat['version']}) by "
             "`python -m csc_compliance.devtools.reference_docs`.",
             "Each rule runs as a Great Expectations expectation in the suite named after its table;",
             "each failing row is a line of `dq/recording_gaps.csv`.",
             "The measures read a failing value as null (`docs/conventions.md#nothing-after-d-counts`): dbt staging "
             "nulls an unreadable date, flag",
             "or JSON, a date after the reporting date, and a link a `references` rule finds naming no row",
             "(`dbt_project/macros/references.sql` reads these rules); rows sharing a key keep the first.", "",
             "## Overrides of the SSD YAML validators", "", "| table | column | SSD says | we do | why |",
             "|---|---|---|---|---|"]
    for o in cat.get("overrides", []):
        lines.append(f"| {o['table']} | {o['column']} | {_cell(o['ssd_validator'])} | {_cell(o['decision'])} | "
                     f"{_cell(o['reason'])} |")
    lines += ["", "## Rules", "", "| id | table | column | kind | severity | description | why | DfE rule |",
              "|---|---|---|---|---|---|---|---|"]
    for r in cat["rules"]:
        lines.append(f"| `{r['id']}` | {r['table']} | {r['column']} | {r['kind']} | {r['severity']} | "
                     f"{_cell(r['description'])} | {_cell(r['why'])} | {_cell(r.get('dfe_code'))} |")
    return "\n".join(lines) + "\n"


def _tables_section() -> list[str]:
    lines = []
    for table, spec in tables().items():
        lines += [f"#### `{table}`", "",
                  f"Key `{spec['key']}`" + (f"; the child is `{spec['person_id']}`." if spec.get("person_id") else "."),
                  "",
                  "| column | type | required | personal |", "|---|---|---|---|"]
        for column, c in spec["columns"].items():
            lines.append(f"| `{column}` | {c['type']} | {'yes' if c.get('required') else ''} | "
                         f"{'yes' if c.get('personal') else ''} |")
        lines.append("")
    return lines[:-1]


def _columns(columns) -> list[str]:
    return ["Columns, in this order: " + ", ".join(f"`{c}`" for c in columns) + "."]


def _contract_regions() -> dict[str, list[str]]:
    from csc_compliance.publish.csv_outputs import EXCEPTION_COLUMNS, GAP_COLUMNS, KPI_COLUMNS

    return {"tables": _tables_section(), "exception-columns": _columns(EXCEPTION_COLUMNS),
            "kpi-columns": _columns(KPI_COLUMNS), "gap-columns": _columns(GAP_COLUMNS)}


def contract_page() -> str:
    """docs/contract.md is prose with generated regions (`<!-- generated: NAME -->` ... `<!-- end generated -->`)
    filled from the catalogues and the output code, so the table contract and output columns cannot drift."""
    text = (PROJECT_DIR / "docs/contract.md").read_text(encoding="utf-8")
    for name, lines in _contract_regions().items():
        start, end = f"<!-- generated: {name} -->\n", "<!-- end generated -->"
        head, found, rest = text.partition(start)
        if not found:
            raise ValueError(f"docs/contract.md has no region {start.strip()}")
        _, found, tail = rest.partition(end)
        text = head + start + "\n".join(lines) + "\n" + end + tail
    return text


# each generated page, by its path from the project root
PAGES = {"docs/measures.md": measures_page, "docs/rules.md": rules_page, "docs/contract.md": contract_page}


def main() -> int:
    DOCS_DIR.mkdir(exist_ok=True)
    for name, build in PAGES.items():
        (PROJECT_DIR / name).write_text(build(), encoding="utf-8")
        print(f"wrote {name}")
    written = write_model_docs()
    print(f"wrote the dbt YAML docs of {len(written)} measure models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
