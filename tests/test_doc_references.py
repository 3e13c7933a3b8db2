"""Every reference into the repository's documentation (`docs/<page>.md#<anchor>`, `docs/<path>`) names a file
that exists and, with an anchor, a heading of that page: a reader who follows one never lands nowhere."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = re.compile(r"(?<![\w/.-])(docs/[\w./<>-]*[\w/>])(?:#([\w-]+))?")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped (but - and _), spaces to -."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    found = {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M)}
    return found | set(re.findall(r"""(?:id|name)=["']([\w-]+)["']""", text))


def repository_files() -> list[Path]:
    names = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    return [ROOT / n for n in names if (ROOT / n).is_file() and not n.startswith("docs/ssd-schema/")]


def test_slug_follows_github():
    assert slug("Open at D") == "open-at-d"
    assert slug("`add_wd`") == "add_wd"
    assert slug("In the 12 months to D") == "in-the-12-months-to-d"
    assert slug("Status of an item: overdue, due soon") == "status-of-an-item-overdue-due-soon"


def test_every_reference_into_docs_resolves():
    broken = []
    for path in repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for target, anchor in REFERENCE.findall(line):
                page = ROOT / target
                if "<" in target:         # a pattern (docs/ssd-schema/ssd_<table>.yml), not one file
                    continue
                if not page.exists():
                    broken.append(f"{path.relative_to(ROOT)}:{number}: {target} does not exist")
                elif anchor and (page.is_dir() or anchor not in anchors(page)):
                    broken.append(f"{path.relative_to(ROOT)}:{number}: {target} has no anchor #{anchor}")
    assert not broken, "\n".join(broken)


def test_a_broken_reference_is_found(tmp_path):
    """The scanner itself: a reference to a missing anchor and to a missing page are both caught."""
    page = ROOT / "docs" / "conventions.md"
    assert "open-at-d" in anchors(page)
    assert "no-such-heading" not in anchors(page)
    assert REFERENCE.findall("see docs/conventions.md#open-at-d.") == [("docs/conventions.md", "open-at-d")]
    assert REFERENCE.findall("(docs/ssd-schema/)") == [("docs/ssd-schema/", "")]


# the product owner's statement lives outside the repository: a clone from a public host has none of it
OUTSIDE = re.compile(r"\bkpis\.md\b|\bcontract\.md\b|\.\./shared\b|shared/spec\b|\bssd-schema\b")


def test_no_reference_points_outside_the_repository():
    """Every definition a reader is sent to is in the repository (docs/...): none to kpis.md, contract.md or
    ../shared, which a clone does not have."""
    outside = []
    for path in repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path == Path(__file__):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for match in OUTSIDE.finditer(line):
                before = line[max(0, match.start() - 5):match.start()]
                if before.endswith("docs/"):   # docs/contract.md, docs/ssd-schema: in the repository
                    continue
                outside.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not outside, f"{len(outside)} references outside the repository:\n" + "\n".join(outside[:60])
