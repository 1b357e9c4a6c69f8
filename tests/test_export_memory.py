"""A single-format export frees its parsed tree while the stylesheet runs (issue 14):
``export_file`` parsed the document for this export alone, so once Saxon holds its own
copy the lxml tree is emptied and its memory handed back; the output is the same.
Memory is read from /proc in a fresh process (resident sizes, no wall-clock measure)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from tei_edition.publish import transform
from tei_edition.publish.export import export_file
from tei_edition.publish.formats import html, text
from tei_edition.xml.parse import parse_file

FIXTURES = Path(__file__).parent / "fixtures"
EDITION = FIXTURES / "valid" / "edition.xml"
TEI = "http://www.tei-c.org/ns/1.0"


def test_disposed_tree_gives_the_same_pages_and_is_emptied():
    kept = parse_file(EDITION)
    disposed = parse_file(EDITION)
    before = len(list(disposed.getroot().iter()))
    assert before > 50
    assert html.render(disposed, EDITION, dispose=True).files == html.render(kept, EDITION).files
    assert len(list(disposed.getroot().iter())) == 1  # the bare root element
    assert len(list(kept.getroot().iter())) == before  # a caller's tree is left whole


def test_disposed_tree_gives_the_same_text():
    disposed = parse_file(EDITION)
    assert text.render(disposed, EDITION, dispose=True).text == text.render(parse_file(EDITION), EDITION).text
    assert len(disposed.getroot()) == 0


def test_export_file_output_unchanged(tmp_path):
    """The export that disposes of its tree writes what rendering a kept tree gives."""
    site = tmp_path / "site"
    export_file(EDITION, "html", site, timeout=None)
    expected = html.render(parse_file(EDITION), EDITION).files
    for name, page in expected.items():
        assert (site / name).read_text(encoding="utf-8") == page
    export_file(EDITION, "text", tmp_path / "edition.txt")
    assert (tmp_path / "edition.txt").read_text(encoding="utf-8") == \
        text.render(parse_file(EDITION), EDITION).text


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_export_file_disposes_of_the_tree_it_parsed(tmp_path, monkeypatch, fmt):
    """export_file hands its own tree over as disposable: emptied once, after Saxon has
    the document (the page still has its text)."""
    emptied = []
    real = transform.emptied

    def record(document):
        root = document.getroot() if isinstance(document, etree._ElementTree) else document
        emptied.append(len(list(root.iter())))
        real(document)

    monkeypatch.setattr(transform, "emptied", record)
    output = tmp_path / ("site" if fmt == "html" else "edition.txt")
    export_file(EDITION, fmt, output, **({"timeout": None} if fmt == "html" else {}))
    assert len(emptied) == 1 and emptied[0] > 50  # the whole tree, emptied once
    written = (output / "index.html") if fmt == "html" else output
    assert len(written.read_text(encoding="utf-8")) > 1000


def big_tei(path: Path, paragraphs: int = 4000) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>Large</title>'
                  "</titleStmt><publicationStmt><p>test</p></publicationStmt><sourceDesc>"
                  "<p>generated</p></sourceDesc></fileDesc></teiHeader><text><body>")
        for n in range(paragraphs):
            out.write(f'<div type="document" xml:id="d{n}"><head>Document {n}</head><p>Word '
                      + " ".join(f'<hi rend="italic">w{i}</hi> <persName>P{i}</persName>'
                                 for i in range(15)) + "</p></div>")
        out.write("</body></text></TEI>")


MEASURE = textwrap.dedent("""
    import json, sys
    from tei_edition.publish import transform
    from tei_edition.xml.parse import parse_file
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1])
    start = rss()
    tree = parse_file(sys.argv[1])
    parsed = rss()
    transform.emptied(tree)
    print(json.dumps({"tree": parsed - start, "kept": rss() - start}))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_emptied_tree_hands_its_memory_back(tmp_path):
    source = tmp_path / "large.xml"
    big_tei(source)
    done = subprocess.run([sys.executable, "-c", MEASURE, str(source)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    pages = json.loads(done.stdout.strip().splitlines()[-1])
    assert pages["tree"] > 2 * len(source.read_bytes()) // 4096  # the tree is big: > 2x the file
    assert pages["kept"] < pages["tree"] / 4  # most of it is back with the system


def test_emptied_element_keeps_no_children():
    root = etree.fromstring("<a><b>x</b><c y='1'/>tail</a>")
    transform.emptied(root)
    assert len(root) == 0 and root.text is None and not root.attrib


def test_pages_written_by_saxon_are_the_serialised_strings(tmp_path, monkeypatch):
    """The site Saxon writes itself, page by page (the ``output-folder`` parameter), has
    the bytes of the pages the stylesheet returns as strings without it, and the export
    leaves no temporary folder behind."""
    from tei_edition.publish.run import run_format

    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(private))
    site = tmp_path / "site"
    export_file(EDITION, "html", site, timeout=None)
    assert list(private.iterdir()) == []
    strings, _ = run_format(html.STYLESHEET, parse_file(EDITION), EDITION, html.parameters(),
                            strings=True)
    served = dict(zip(strings[::2], strings[1::2]))
    assert {"index.html", "about.html", "search-index.js", "entities.js"} <= set(served)
    written = sorted(p.name for p in site.iterdir() if p.is_file() and not p.name.startswith("."))
    assert written == sorted(served)
    for name, text in served.items():
        assert (site / name).read_bytes() == text.encode("utf-8"), name


def test_write_site_refuses_a_folder_with_files_it_did_not_name(tmp_path):
    (tmp_path / "stray.html").write_text("x", encoding="utf-8")
    from tei_edition.errors import TransformError

    with pytest.raises(TransformError, match="other files"):
        html.write_site(parse_file(EDITION), EDITION, tmp_path)


# An HTML export in a fresh process, as its worker runs it: which modules it loaded.
_EXPORT_MODULES = """
import json, sys
from tei_edition.publish.export import _export_here
_export_here(sys.argv[1], "html", sys.argv[2])
print(json.dumps(sorted(sys.modules)))
"""


def test_an_html_export_loads_no_openssl(tmp_path):
    """Nothing an export does hashes: hashlib (OpenSSL's libcrypto, 3.5 MB resident) is
    imported where something is hashed (a build's records, a collection page's
    passages), never by the modules an export's worker loads."""
    done = subprocess.run([sys.executable, "-c", _EXPORT_MODULES, str(EDITION), str(tmp_path / "site")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "site" / "index.html").is_file()
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "tei_edition.publish.formats.html" in modules
    assert not {"hashlib", "_hashlib"} & set(modules)
