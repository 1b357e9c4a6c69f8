"""Golden outputs: every feature fixture rendered as HTML (each page), plain text and
Typst source, compared byte for byte with the files under ``tests/golden/``, so that a
reviewer sees every change of output in the diff of a commit.

After an intended change, rewrite them and review the diff:

    TEI_EDITION_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import difflib
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import FIXTURES
from tei_edition.publish.formats import html, pdf, text
from tei_edition.xml.parse import parse_file

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("TEI_EDITION_UPDATE_GOLDEN", "") not in ("", "0")

# The feature fixtures: each exercises many rules at once (names relative to fixtures/).
CASES = ["policy/features.xml", "policy/readings.xml", "text/features.xml", "text/notes.xml",
         "text/apparatus.xml", "html/edition.xml", "pdf/edition.xml"]


def outputs(case: str) -> dict[str, str]:
    """Relative golden path -> text, for one fixture in every format. The Typst source
    is made with a fixed date and no fallback fonts, so that the machine's clock and
    fonts do not show in it."""
    source = FIXTURES / case
    tree = parse_file(source)
    stem = case.replace("/", "-").removesuffix(".xml")
    files = {f"{stem}/text.txt": text.render(tree, source).text,
             f"{stem}/typst.typ": pdf.typst_source(tree, source, date=datetime(2000, 1, 1, tzinfo=timezone.utc),
                                                   fonts=[]).typst}
    for name, page in html.render(tree, source).files.items():
        files[f"{stem}/html/{name}"] = page
    return files


@pytest.mark.parametrize("case", CASES)
def test_output_equals_the_golden_file(case):
    produced = outputs(case)
    stem = case.replace("/", "-").removesuffix(".xml")
    if UPDATE:
        folder = GOLDEN / stem
        for old in sorted(folder.rglob("*"), reverse=True) if folder.exists() else []:
            if old.is_file() and str(old.relative_to(GOLDEN)) not in produced:
                old.unlink()
        for name, content in produced.items():
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8", newline="")
    stored = {str(p.relative_to(GOLDEN)) for p in (GOLDEN / stem).rglob("*") if p.is_file()}
    assert stored == set(produced), ("golden files missing or left over; rerun with "
                                     "TEI_EDITION_UPDATE_GOLDEN=1 and review the diff")
    for name, content in sorted(produced.items()):
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        if content != expected:
            diff = "".join(list(difflib.unified_diff(expected.splitlines(True), content.splitlines(True),
                                                     f"golden/{name}", "produced", n=2))[:60])
            pytest.fail(f"{name} differs from its golden file (TEI_EDITION_UPDATE_GOLDEN=1 "
                        f"rewrites it; review the diff):\n{diff}")
