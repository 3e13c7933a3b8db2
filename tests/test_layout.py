"""The package's layout as README "How it is built" shows it: a folder imports only folders below it in that
order (no cycles, nothing upward), and every module opens with a comment saying its one job."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from csc_compliance.core.catalogue import PACKAGE_DIR, PROJECT_DIR

# the README's order, top-down; the tools beside the night come last
ORDER = ["cli", "orchestration", "pipeline", "ingest", "quality", "publish", "settings", "runtime", "core",
         "devtools", "dfe_returns", "generate"]
# the tools beside the night may use the night's vocabulary and writers, never the other way round
BESIDE = {"devtools": {"core", "publish", "generate"}, "dfe_returns": {"generate"}, "generate": set()}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def _folder_modules() -> list[Path]:
    return [p for p in _modules() if p.parent != PACKAGE_DIR]


def _folder(path: Path) -> str:
    return path.relative_to(PACKAGE_DIR).parts[0]


def _imported_folders(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "csc_compliance" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_the_package_holds_only_the_folders_the_readme_names():
    top = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and p.name != "__pycache__"}
    loose = sorted(p.name for p in PACKAGE_DIR.glob("*.py") if p.name != "__init__.py")
    assert top == set(ORDER) and not loose, (top ^ set(ORDER), loose)
    readme = (PROJECT_DIR / "README.md").read_text()
    tree = readme[readme.index("plugins/csc_compliance/\n"):]
    listed = re.findall(r"^  ([a-z_]+)/", tree, flags=re.M)
    assert listed[:len(ORDER)] == ORDER


@pytest.mark.parametrize("path", _folder_modules(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_a_module_imports_only_folders_below_its_own(path):
    folder = _folder(path)
    if folder in BESIDE:
        allowed = BESIDE[folder] | {folder}
    elif folder == "cli":   # the command: its `generate` runs the generator beside the night
        allowed = set(ORDER)
    else:
        allowed = set(ORDER[ORDER.index(folder):ORDER.index("devtools")])
    assert _imported_folders(path) <= allowed, f"{path.name} imports {_imported_folders(path) - allowed}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_a_module_opens_with_what_it_is_for(path):
    tree = ast.parse(path.read_text())
    docstring = ast.get_docstring(tree)
    assert docstring and len(docstring.split()) >= 5, f"{path} has no opening comment saying its job"
