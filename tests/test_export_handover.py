"""An HTML export under the command line's limits parses, checks and resolves the
document in the command's own process while its worker compiles the stylesheet, and
hands the worker the text Saxon parses (issue 14: the FRUS volume's parse and hand-over
were on the way to its transformation). The pages are those the document gives when
rendered in one process; a file too large for the parent's share of the memory limit
is parsed in the worker, as before; errors read the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DOSSIER
from tei_edition.errors import XmlSyntaxError
from tei_edition.publish import export, pool
from tei_edition.publish.export import export_file
from tei_edition.publish.formats import html
from tei_edition.xml.parse import parse_file

FIXTURES = Path(__file__).parent / "fixtures"
TEI = "http://www.tei-c.org/ns/1.0"

# Comments, a processing instruction, an internal entity, characters past Latin-1, an
# element no rule renders (its source line is read: the coverage warning names it), a
# name pointing into the document's own list and one into nothing, more than one line.
ODD = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE TEI [<!ENTITY ed "the editors">]>
<?xml-model href="nowhere.rng"?>
<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>Письмо — a letter</title>
</titleStmt><publicationStmt><p>by &ed;</p></publicationStmt><sourceDesc><p>x</p>
</sourceDesc></fileDesc></teiHeader>
<text><body>
<!-- a comment -->
<p>Dear <persName ref="#p1">Anna</persName>, <persName ref="#nobody">Bob</persName> &amp;
<unknownThing>kept text</unknownThing> on line ten.<?te-pi data?></p>
<listPerson><person xml:id="p1"><persName>Anna Ivanovna</persName></person></listPerson>
</body></text></TEI>
"""


@pytest.fixture
def limited():
    token = pool.LIMITS.set(pool.Limits())
    try:
        yield
    finally:
        pool.LIMITS.reset(token)


@pytest.fixture
def parsed_here(monkeypatch):
    """The files ``publish.export`` parses in this process."""
    seen = []

    def record(path, **kwargs):
        seen.append(Path(path))
        return parse_file(path, **kwargs)

    monkeypatch.setattr(export, "parse_file", record)
    return seen


def _site(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".")}


@pytest.mark.parametrize("source", [FIXTURES / "valid" / "edition.xml",
                                    FIXTURES / "valid" / "kitchen-sink.xml", DOSSIER, None],
                         ids=["edition", "kitchen-sink", "dossier", "odd"])
def test_handed_over_export_writes_the_pages_of_one_process(tmp_path, limited, parsed_here, source):
    if source is None:
        source = tmp_path / "odd.xml"
        source.write_text(ODD, encoding="utf-8")
    result = export_file(source, "html", tmp_path / "site")
    assert parsed_here == [source]  # here, not in the worker
    expected = html.render(parse_file(source), source)
    assert _site(tmp_path / "site") == expected.files
    assert result.warnings == expected.warnings and result.coverage == expected.coverage


def test_the_unknown_elements_line_comes_through(tmp_path, limited, parsed_here):
    source = tmp_path / "odd.xml"
    source.write_text(ODD, encoding="utf-8")
    result = export_file(source, "html", tmp_path / "site")
    assert parsed_here == [source]
    assert any(w.startswith(f"{source}:10: warning: <unknownThing>") for w in result.warnings), \
        result.warnings


def test_a_file_past_the_parents_share_is_parsed_in_the_worker(tmp_path, limited, parsed_here,
                                                                 monkeypatch):
    source = FIXTURES / "valid" / "edition.xml"
    monkeypatch.setattr(export, "HANDED_PART", source.stat().st_size * 10**6)
    export_file(source, "html", tmp_path / "site")
    assert parsed_here == []
    assert _site(tmp_path / "site") == html.render(parse_file(source), source).files


def test_a_broken_document_fails_as_it_did_in_the_worker(tmp_path, limited):
    source = tmp_path / "broken.xml"
    source.write_text(f'<TEI xmlns="{TEI}"><text><body><p>open</body></text></TEI>',
                      encoding="utf-8")
    with pytest.raises(XmlSyntaxError) as caught:
        export_file(source, "html", tmp_path / "site")
    assert caught.value.path == str(source) and caught.value.line == 1
    assert not (tmp_path / "site").exists()


def _initialised(value):
    return value


def _echo(payload):
    return payload


def test_a_later_payload_is_made_from_what_the_worker_prepared():
    """``pool.Later``: made once the worker is ready, from its initializer's value; then
    ``sent`` runs."""
    events = []

    def make(prepared):
        events.append(("make", prepared))
        return ("payload", prepared)

    result = pool.run_one(_echo, pool.Later(make, lambda: events.append(("sent",))),
                          limits=pool.Limits(timeout=60), initializer=_initialised,
                          initargs=("compiled",))
    assert result == ("payload", "compiled")
    assert events == [("make", "compiled"), ("sent",)]


# What an export's worker does (``cli.early``'s preloads, the initializer, the task),
# in a process of its own: it reports the modules it loaded and the pages it wrote.
_WORKER = """
import pickle, sys
from tei_edition.cli.early import preload_for
from tei_edition.publish import export, pool

pool._preload(preload_for(["export", "html", "x.xml"]))
export._lines_unread("html/html.xsl")
result = export._in_worker_handed(pickle.load(open(sys.argv[1], "rb")))
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
print(" ".join(sorted(name for name in sys.modules if name.startswith("tei_edition."))))
"""


def test_the_worker_handed_a_document_loads_no_parser(tmp_path):
    """The worker of a handed-over export parses nothing: it loads neither lxml nor the
    parser, register and collection modules (some 6 MB of its peak), and writes the
    pages the document gives."""
    import os
    import pickle
    import subprocess
    import sys

    from tei_edition.publish import transform

    source = tmp_path / "odd.xml"
    source.write_text(ODD, encoding="utf-8")
    tree = parse_file(source)
    registers = export._registers_named(tree, source)
    handed = transform.handed(tree, transform.lines_unread(html.STYLESHEET))
    payload = tmp_path / "payload.pickle"
    payload.write_bytes(pickle.dumps((str(source), "html", str(tmp_path / "site"), {},
                                     handed, registers)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    ran = subprocess.run([sys.executable, "-c", _WORKER, str(payload)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    top, ours = (line.split() for line in ran.stdout.splitlines()[-2:])
    assert "lxml" not in top
    assert not [name for name in ours if name in ("tei_edition.xml.parse", "tei_edition.publish.run")
                or name.split(".")[1] in ("entities", "collection", "validation")]
    assert _site(tmp_path / "site") == html.render(parse_file(source), source).files
