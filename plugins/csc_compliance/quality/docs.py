"""The Data Docs site: GX's own site, plus a "Rules" tab on its index page listing every catalogue rule
(id, severity, table, column, result tonight, failing rows, or why it was skipped), so auditors find a
rule by its id from the front page. Only rule metadata and counts reach the site, never a cell value."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from great_expectations.render import RenderedBootstrapTableContent, RenderedTabsContent
from great_expectations.render.renderer.site_index_page_renderer import SiteIndexPageRenderer

SITE_NAME = "csc_compliance"
RESULTS_FOLDER = "results"          # the GX validation results store, one JSON per suite and run
# what a run carries from the published site into its build: every run's results, pages and manifests
# (the index, suite pages and static assets are rendered afresh)
CARRIED = (RESULTS_FOLDER, "validations", "runs")

_RULE_COLUMNS = [
    ("rule_id", "Rule"), ("severity", "Severity"), ("table", "Table"), ("column", "Column"),
    ("kind", "Kind"), ("description", "Description"), ("result", "Result"),
    ("failing_rows", "Failing rows"), ("dfe_code", "DfE code"),
]


_OVERRIDE_COLUMNS = [
    ("table", "Table"), ("column", "Column"), ("ssd_validator", "SSD YAML says"), ("decision", "This product"),
    ("reason", "Why"),
]


class RulesIndexPageRenderer(SiteIndexPageRenderer):
    """GX's index page with a first tab listing the rules and a second listing where the rule catalogue departs
    from the SSD YAML's validators, and why (docs/contract.md#ssd-as-councils-extract-it: recorded where
    auditors can read it); configured through the site config."""

    def __init__(self, rules: list[dict] | None = None, overrides: list[dict] | None = None) -> None:
        super().__init__()
        self.rules = rules or []
        self.overrides = overrides or []

    def render(self, index_links_dict):  # GX calls this on the instance it built from the site config
        links = {d.get("expectation_suite_name"): d.get("filepath")
                 for d in index_links_dict.get("validations_links", [])}
        document = super().render(index_links_dict)
        tabs = next((b for s in getattr(document, "sections", []) for b in s.content_blocks
                     if isinstance(b, RenderedTabsContent)), None)
        if tabs is not None:
            tabs.tabs.insert(0, {"tab_name": "Rules", "tab_content": self._rules_table(links)})
            tabs.tabs.insert(1, {"tab_name": "SSD overrides", "tab_content": self._overrides_table()})
        return document

    def _overrides_table(self) -> RenderedBootstrapTableContent:
        data = [{field: str(o.get(field, "")) for field, _ in _OVERRIDE_COLUMNS} for o in self.overrides]
        return RenderedBootstrapTableContent(
            table_columns=[{"field": f, "title": t} for f, t in _OVERRIDE_COLUMNS], table_data=data,
            styling={"classes": ["col-12", "ge-index-page-table-container"],
                     "body": {"classes": ["table-sm"]}},
        )

    def _rules_table(self, links: dict) -> RenderedBootstrapTableContent:
        data = []
        for rule in self.rules:
            row = {field: "" if rule.get(field) is None else str(rule[field]) for field, _ in _RULE_COLUMNS}
            if links.get(rule.get("table")):
                row["_table_row_link_path"] = links[rule["table"]]
            data.append(row)
        return RenderedBootstrapTableContent(
            table_columns=[{"field": f, "title": t, "sortable": "true"} for f, t in _RULE_COLUMNS],
            table_data=data,
            table_options={"search": "true", "trimOnSearch": "false", "visibleSearch": "true",
                           "rowStyle": "rowStyleLinks", "rowAttributes": "rowAttributesLinks",
                           "sortName": "rule_id", "sortOrder": "asc", "pagination": "true",
                           "iconSize": "sm", "toolbarAlign": "right"},
            styling={"classes": ["col-12", "ge-index-page-table-container"],
                     "body": {"classes": ["table-sm", "ge-index-page-validation-results-table"]}},
        )


def carry_forward(published: Path, build: Path) -> None:
    """Bring earlier runs' results, validation pages and manifests into this run's site. Files are hard
    links where the file system allows (a year of runs is ~1 GB of pages), else copies: a run only adds
    new files and removes expired ones, never rewrites a carried file, so the published site is untouched
    until the swap."""
    for folder in CARRIED:
        source = Path(published) / folder
        if not source.is_dir():
            continue
        shutil.copytree(source, Path(build) / folder, dirs_exist_ok=True, copy_function=_link_or_copy)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def prune_empty_folders(data_docs_dir: Path) -> None:
    """GX removes expired runs' pages and results but leaves their folders; remove those too."""
    for section in ("validations", "expectations", RESULTS_FOLDER):
        root = Path(data_docs_dir) / section
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts),
                             reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()


def site_config(data_docs_dir: Path, rules: list[dict], overrides: list[dict] | None = None) -> dict:
    """A filesystem site rooted at data_docs_dir (index.html at its root, relative links)."""
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(Path(data_docs_dir).resolve())},
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "renderer": {"module_name": __name__, "class_name": RulesIndexPageRenderer.__name__,
                         "rules": rules, "overrides": overrides or []},
        },
    }
