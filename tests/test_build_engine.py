"""``build`` as an engine for collections: worker processes, limits, the manifest,
interrupted builds, where outputs go and the clashes refused before any work.

The collection is generated here (letters with names pointing into a separate register
file), not copied from anywhere."""

from __future__ import annotations

import json
import marshal
import os
from collections import Counter
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import LETTERS, letter_sample, needs_shared
from tei_edition.errors import InputError
from tei_edition.publish import manifest, pool
from tei_edition.publish.build import Progress, build

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>{title}</title>
</titleStmt><publicationStmt><p>Generated for the tests.</p></publicationStmt>
<sourceDesc><p>None: generated.</p></sourceDesc></fileDesc></teiHeader>"""


def letter(number: int, *, names: bool = True, words: str = "") -> str:
    name = (f'<persName ref="persons.xml#p{number % 3}">Person {number % 3}</persName>'
            if names else "a friend")
    return (HEADER.format(title=f"Letter {number}") +
            f"<text><body><p>Dear {name}, this is letter {number}. {words}</p></body></text></TEI>")


PERSONS = HEADER.format(title="Persons") + """<text><body><listPerson>
<person xml:id="p0"><persName>Ada Example</persName></person>
<person xml:id="p1"><persName>Ben Example</persName></person>
<person xml:id="p2"><persName>Cy Example</persName></person>
</listPerson></body></text></TEI>"""


@pytest.fixture
def collection(tmp_path) -> Path:
    """Five letters naming persons of the register, one naming nobody, the register."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for number in range(1, 6):
        (folder / f"letter-{number}.xml").write_text(letter(number), encoding="utf-8")
    (folder / "letter-6.xml").write_text(letter(6, names=False), encoding="utf-8")
    (folder / "persons.xml").write_text(PERSONS, encoding="utf-8")
    return folder


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def outputs(folder: Path) -> dict[str, object]:
    """The files of a build, its record of the input files read as data without what
    it saw of each file's times (a file settled only between two builds is recorded
    as seen in the second alone: a cache's difference, not the output's)."""
    found = files(folder)
    records = manifest.RECORDS
    if records in found:
        found[records] = _unseen(marshal.loads(found[records]))
    return found


def _unseen(value):
    if isinstance(value, dict):
        return {k: _unseen(v) for k, v in value.items() if k != "seen"}
    if isinstance(value, list):
        return [_unseen(v) for v in value]
    return value


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_parallel_output_is_identical_to_one_worker(collection, tmp_path):
    one = build([collection], tmp_path / "one", jobs=1, only=["html", "text"])
    two = build([collection], tmp_path / "two", jobs=2, only=["html", "text"])
    assert one.ok and two.ok and one.rendered == two.rendered == 6
    assert two.usage.workers_started == 2
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    # the names resolve in the register file, which is never exported itself: the
    # collection site has a page for the person
    pages = [p for p in (tmp_path / "one" / "html" / "registers").rglob("*.html")
             if "Ben Example" in p.read_text(encoding="utf-8")]
    assert pages
    assert (tmp_path / "one" / "html" / "letter-1.html").is_file()
    assert not (tmp_path / "one" / "html" / "letter-1").exists()
    assert not (tmp_path / "one" / "persons.txt").exists()
    assert not (tmp_path / "one" / "html" / "persons").exists()


@pytest.mark.slow
def test_register_pages_made_in_batches_by_child_processes_are_the_same(collection, tmp_path,
                                                                       monkeypatch):
    """A site of more entries than one batch has its entries' pages made in batches,
    by child processes when the build has more than one job: the same files. The
    children of a whole site start (and compile the stylesheet) before the site is
    described, not after."""
    from tei_edition.publish import site

    one = build([collection], tmp_path / "one", jobs=1, only=["html"])
    submitted = []

    class Pool(site.ProcessPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            submitted.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    described = site._site_data

    def describing(*args, **kwargs):
        submitted.append("described")
        return described(*args, **kwargs)

    monkeypatch.setattr(site, "PAGE_BATCH", 1)
    monkeypatch.setattr(site, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(site, "_site_data", describing)
    two = build([collection], tmp_path / "two", jobs=2, only=["html"])
    assert one.ok and two.ok
    # each child's compile, the description, the overview, then one call for each of the
    # three persons named
    assert submitted == ["_compile_site"] * 2 + ["described"] + ["_pages_of"] * 4
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


@pytest.mark.slow
def test_child_processes_link_the_unchanged_pages_of_a_part_made_again(collection, tmp_path,
                                                                      monkeypatch):
    """Pages of the previous site gone: their parts (the overview, two entries' pages)
    are made again by two child processes at once, which link over the pages whose
    content is the previous build's and write the others: the files of a fresh build."""
    from tei_edition.publish import site

    submitted = []

    class Pool(site.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            submitted.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(site, "PAGE_BATCH", 1)
    monkeypatch.setattr(site, "ProcessPoolExecutor", Pool)
    out = tmp_path / "out"
    assert build([collection], out, jobs=2, only=["html"]).ok
    people = sorted((out / "html" / "registers" / "person").glob("*.html"))
    assert len(people) == 3
    index = (out / "html" / "index.html").stat().st_ino
    for gone in (out / "html" / "about.html", people[0], people[1]):
        gone.unlink()
    again = build([collection], out, jobs=2, only=["html"])
    assert again.ok and again.rendered == 0
    assert submitted == [2, 2]  # the first build's batches, then the three parts
    assert again.site_written == 3 and again.site_kept > 3
    assert (out / "html" / "index.html").stat().st_ino == index  # linked over, not written
    fresh = build([collection], tmp_path / "fresh", jobs=1, only=["html"])
    assert fresh.ok and files(out / "html") == files(tmp_path / "fresh" / "html")


@pytest.mark.slow
def test_a_child_making_pages_over_the_memory_limit_is_stopped(collection, tmp_path, monkeypatch):
    """The child processes that make the site's pages are held to the memory limit of a
    worker: one over it is stopped, and the build says so (the site is not made)."""
    import multiprocessing

    from tei_edition.publish import site

    made = site.write_collection_site
    limits = []

    def tiny(*args, **kwargs):
        limits.append(kwargs["memory"])
        return made(*args, **{**kwargs, "memory": 1})  # (no process lives in one byte)

    monkeypatch.setattr(site, "PAGE_BATCH", 1)
    monkeypatch.setattr(site, "write_collection_site", tiny)
    report = build([collection], tmp_path / "out", jobs=2, only=["html"],
                   limits=pool.Limits(memory=1536 * pool.MB))
    assert limits == [1536 * pool.MB]  # the workers' limit, handed to the site
    assert not report.ok
    assert any("making the site's pages was stopped" in note and "memory limit" in note
               and "--max-memory" in note for note in report.notes)
    assert multiprocessing.active_children() == []  # the children are gone


def test_a_new_site_reads_its_entries_details_while_the_workers_render(collection, tmp_path,
                                                                       monkeypatch):
    """A site made afresh has what its entries' pages show besides their names read
    ahead; a rebuild takes them over from the previous site instead (none read ahead),
    and both sites are those of a build that reads them at the end."""
    from tei_edition.publish import site

    asked, every, knowns = [], [], []
    prepare = site.prepare

    def recorded(collection, *, details=False, every_entry=False, known=None):
        asked.append(details)
        every.append(every_entry)
        knowns.append(known)
        prepare(collection, details=details, every_entry=every_entry, known=known)

    monkeypatch.setattr(site, "prepare", recorded)
    out = tmp_path / "out"
    assert build([collection], out, jobs=2, only=["html"]).ok
    (collection / "letter-2.xml").write_text(letter(2, words="Amended."), encoding="utf-8")
    assert build([collection], out, jobs=2, only=["html"]).rendered == 1
    assert asked == [True, False]
    assert every[1]  # a rebuild of one letter reads every entry's See also and terms ahead
    # (those of the entries that did not change from the previous site's record)
    assert knowns[0] is None and knowns[1] and all(len(v) == len(site._DETAILS) for v in knowns[1].values())
    at_the_end = build([collection], tmp_path / "end", jobs=0, only=["html"])
    assert at_the_end.ok and files(out / "html") == files(tmp_path / "end" / "html")


def test_an_interrupted_build_raises_its_interruption_not_what_failed_meanwhile(
        collection, tmp_path, monkeypatch):
    """What the build does while its workers render (the records written) failing too
    does not hide what stopped the build."""
    class StopAtOnce(Progress):
        def done(self, outcome) -> None:
            raise KeyboardInterrupt

    def save_records(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(manifest, "save_records", save_records)
    with pytest.raises(KeyboardInterrupt):
        build([collection], tmp_path / "out", jobs=2, only=["html"], progress=StopAtOnce())
    with pytest.raises(OSError, match="disk full"):  # alone, it is raised
        build([collection], tmp_path / "out2", jobs=2, only=["html"])


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_a_rebuild_stopped_in_its_site_leaves_no_spill_in_its_folder(collection, tmp_path,
                                                                      monkeypatch, stop):
    """The letters taken over are taken into the site's search index while the others
    render (a spill in the build folder): a rebuild stopped before the site is written
    (Ctrl-C, an error) leaves none of it in the folder the next run resumes from, and
    the next run's site is the site of a build made at once."""
    from tei_edition.publish import site

    out = tmp_path / "out"
    assert build([collection], out, jobs=0, only=["html"]).ok
    (collection / "letter-2.xml").write_text(letter(2, words="Amended."), encoding="utf-8")
    taken = []
    site_data = site._site_data

    def stopped(*args, **kwargs):
        taken.extend(tmp_path.rglob(".search-*"))
        raise stop("stopped")

    monkeypatch.setattr(site, "_site_data", stopped)
    with pytest.raises(stop) as caught:
        build([collection], out, jobs=0, only=["html"])
    # gone at once, not when the index is freed (the error, still held, holds it)
    assert caught.value.__traceback__ is not None
    assert taken and not any(path.exists() for path in taken)  # there, then gone
    assert not list(tmp_path.rglob(".search-*"))
    assert (tmp_path / ".out.building").is_dir()  # (what the next run resumes from)
    monkeypatch.setattr(site, "_site_data", site_data)
    assert build([collection], out, jobs=0, only=["html"]).ok
    assert not list(tmp_path.rglob(".search-*"))
    assert build([collection], tmp_path / "at-once", jobs=0, only=["html"]).ok
    assert files(out / "html") == files(tmp_path / "at-once" / "html")


def test_files_named_with_dots_only_make_pages_of_their_own(tmp_path):
    """A file "sub/...xml" has the stem "..": its id, and so its page, must not be the
    folder above (html/sub/.. is html itself)."""
    tei = tmp_path / "tei"
    (tei / "sub").mkdir(parents=True)
    (tei / "sub" / "...xml").write_text(letter(1, names=False, words="Dots in sub."), encoding="utf-8")
    (tei / "..xml").write_text(letter(2, names=False, words="Dots at the top."), encoding="utf-8")
    (tei / "plain.xml").write_text(letter(3, names=False), encoding="utf-8")
    out = tmp_path / "out"
    report = build([tei], out, jobs=0, only=["html"])
    assert report.ok and report.rendered == 3
    assert "Dots in sub." in (out / "html" / "sub" / "--.html").read_text(encoding="utf-8")
    assert "Dots at the top." in (out / "html" / "-.html").read_text(encoding="utf-8")


def test_undated_documents_have_their_year_page(collection, tmp_path):
    """Documents without a date are listed on the timeline's "undated" page, which
    exists (it was written as the hidden years/.html, so the link led nowhere)."""
    out = tmp_path / "out"
    assert build([collection], out, jobs=0, only=["html"]).ok
    years = out / "html" / "years"
    assert sorted(p.name for p in years.iterdir()) == ["undated.html"]
    assert 'href="years/undated.html"' in (out / "html" / "timeline.html").read_text(encoding="utf-8")
    page = (years / "undated.html").read_text(encoding="utf-8")
    assert all(f"Letter {n}" in page for n in range(1, 7))


def test_rebuild_renders_only_what_changed(collection, tmp_path):
    out = tmp_path / "out"
    first = build([collection], out, jobs=2, only=["text"])
    assert first.rendered == 6 and first.skipped == 0
    before = inodes(out)

    (collection / "letter-3.xml").write_text(letter(3, words="Edited."), encoding="utf-8")
    second = build([collection], out, jobs=2, only=["text"])
    assert (second.rendered, second.skipped) == (1, 5)
    rendered = [d.path.name for d in second.documents if d.kind == "document" and not d.skipped]
    assert rendered == ["letter-3.xml"]
    assert "Edited." in (out / "letter-3.txt").read_text(encoding="utf-8")
    after = inodes(out)
    # the unchanged outputs are the very same files, taken over, not written again
    assert all(after[f"letter-{n}.txt"] == before[f"letter-{n}.txt"] for n in (1, 2, 4, 5, 6))

    # an entry of the register changes: the letters that name it, and only those
    (collection / "persons.xml").write_text(PERSONS.replace("Ada", "Adele"), encoding="utf-8")
    third = build([collection], out, jobs=2, only=["text"])
    assert (third.rendered, third.skipped) == (1, 5)  # p0: letter 3
    assert [d.path.name for d in third.documents if d.kind == "document" and not d.skipped] \
        == ["letter-3.xml"]
    (collection / "persons.xml").write_text(PERSONS.replace("Ben", "Bert"), encoding="utf-8")
    fourth = build([collection], out, jobs=2, only=["text"])
    assert sorted(d.path.name for d in fourth.documents if d.kind == "document" and not d.skipped) \
        == ["letter-1.xml", "letter-3.xml", "letter-4.xml"]  # p1 (Ben); p0 back to Ada

    assert build([collection], out, jobs=2, only=["text"]).rendered == 0
    assert build([collection], out, jobs=2, only=["text"], force=True).rendered == 6
    # other options are other outputs: nothing is taken over
    assert build([collection], out, jobs=2, only=["text", "html"]).rendered == 6


class _StopAfter(Progress):
    """Ctrl-C after ``count`` documents have been rendered."""

    def __init__(self, count: int):
        self.count = count

    def done(self, outcome) -> None:
        if not outcome.skipped:
            self.count -= 1
            if self.count == 0:
                raise KeyboardInterrupt


def test_interrupted_build_leaves_the_old_output_and_resumes(collection, tmp_path):
    out = tmp_path / "out"
    build([collection], out, jobs=1, only=["text"])
    old = files(out)
    for number in (2, 3, 4):
        (collection / f"letter-{number}.xml").write_text(letter(number, words="Revised."),
                                                         encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build([collection], out, jobs=1, only=["text"], progress=_StopAfter(1))
    assert files(out) == old  # the previous complete output, untouched
    resumed = build([collection], out, jobs=1, only=["text"])
    # the letter finished before the interruption is not rendered again
    assert (resumed.rendered, resumed.skipped) == (2, 4)
    for number in (2, 3, 4):
        assert "Revised." in (out / f"letter-{number}.txt").read_text(encoding="utf-8")
    assert not (tmp_path / ".out.building").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letters", "out"]


def test_removed_document_leaves_no_output(collection, tmp_path):
    out = tmp_path / "out"
    build([collection], out, jobs=1, only=["text"])
    (collection / "letter-5.xml").unlink()
    report = build([collection], out, jobs=1, only=["text"])
    assert report.ok and not (out / "letter-5.txt").exists() and (out / "letter-4.txt").exists()


def test_same_name_in_two_folders_keeps_the_folders(tmp_path):
    for folder, words in (("a", "From folder a."), ("b", "From folder b.")):
        (tmp_path / "tei" / folder).mkdir(parents=True)
        (tmp_path / "tei" / folder / "letter.xml").write_text(letter(1, names=False, words=words),
                                                            encoding="utf-8")
    out = tmp_path / "out"
    report = build([tmp_path / "tei"], out, jobs=2, only=["text", "html"])
    assert report.ok
    assert "From folder a." in (out / "a" / "letter.txt").read_text(encoding="utf-8")
    assert "From folder b." in (out / "b" / "letter.txt").read_text(encoding="utf-8")
    for folder in ("a", "b"):
        page = (out / "html" / folder / "letter.html").read_text(encoding="utf-8")
        assert f"From folder {folder}." in page


def test_clashes_are_refused_before_any_work(tmp_path):
    tei = tmp_path / "tei"
    (tei / "a" / "facsimile").mkdir(parents=True)
    (tei / "a.xml").write_text(letter(1, names=False), encoding="utf-8")
    (tei / "a" / "facsimile" / "letter.xml").write_text(letter(2, names=False), encoding="utf-8")
    # a's page is html/a.html, its facsimiles in html/a/facsimile/: no page goes there
    with pytest.raises(InputError, match=r"facsimile folder of 'a'.*would hold the outputs of "
                                         r"'a/facsimile/letter'"):
        build([tei], tmp_path / "out", jobs=1, only=["html", "text"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tei"]  # nothing written
    shutil.rmtree(tei / "a")
    (tei / "search.xml").write_text(letter(2, names=False), encoding="utf-8")
    # html/search.html is the collection's search page
    with pytest.raises(InputError, match=r"output of 'search' .*search\.html\) would take the "
                                         r"place of the collection site's own pages"):
        build([tei], tmp_path / "out", jobs=1, only=["html", "text"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tei"]


@pytest.mark.parametrize("order", [1, -1])
def test_a_page_s_facsimile_folder_is_never_another_output(tmp_path, order):
    """A file of many documents x/facsimile.xml keeps its folder html/x/facsimile, which
    is where the page x.html keeps its facsimiles: refused, in either order."""
    from tei_edition.publish.build import _refuse_clashes

    plan = dict(list({"x": {"html": "html/x.html"},
                      "x/facsimile": {"html": "html/x/facsimile"}}.items())[::order])
    with pytest.raises(InputError, match=r"'x'.*'x/facsimile'|'x/facsimile'.*'x'"):
        _refuse_clashes(plan, tmp_path / "out", [])


def test_a_site_page_is_refused_whatever_its_case(tmp_path):
    from tei_edition.publish.build import _refuse_clashes

    plan = {"Search": {"html": "html/Search.html"}, "a": {"html": "html/a.html"}}
    with pytest.raises(InputError, match="collection site's own pages"):
        _refuse_clashes(plan, tmp_path / "out", [])


def test_a_page_and_a_folder_of_the_same_name_live_side_by_side(tmp_path):
    """A document's page is a file (html/a.html): a folder of documents named like it
    (html/a/letter.html) is no clash."""
    tei = tmp_path / "tei"
    (tei / "a").mkdir(parents=True)
    (tei / "a.xml").write_text(letter(1, names=False, words="The page of a."), encoding="utf-8")
    (tei / "a" / "letter.xml").write_text(letter(2, names=False, words="A letter in a."),
                                          encoding="utf-8")
    out = tmp_path / "out"
    assert build([tei], out, jobs=0, only=["html", "text"]).ok
    assert "The page of a." in (out / "html" / "a.html").read_text(encoding="utf-8")
    assert "A letter in a." in (out / "html" / "a" / "letter.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "html" / "a").iterdir()) == ["letter.html"]


def test_an_output_never_replaces_an_input(tmp_path):
    tei = tmp_path / "tei"
    tei.mkdir()
    (tei / "transcription.txt").write_text(letter(1, names=False), encoding="utf-8")
    before = files(tei)
    for out in (tei, tmp_path):
        with pytest.raises(InputError, match="holds the input"):
            build([tei / "transcription.txt"], out, jobs=1, only=["text"])
    assert files(tei) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tei"]


def test_a_folder_not_made_by_us_is_not_replaced(collection, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.md").write_text("my notes")
    with pytest.raises(InputError, match="not made by tei-edition"):
        build([collection], out, jobs=1, only=["text"])
    assert files(out) == {"notes.md": b"my notes"}


def _table(rows: int) -> str:
    cells = "".join(f"<cell>c{c} text</cell>" for c in range(40))
    return (HEADER.format(title="A long table") + "<text><body><table>"
            + f"<row>{cells}</row>" * rows + "</table></body></text></TEI>")


@pytest.mark.slow
def test_memory_limit_stops_the_worker_and_the_rest_go_on(tmp_path):
    """Typst lays a 2,500-row table out in well over 600 MB: its worker is stopped at the
    limit, the document reported naming the option, and the other document published."""
    tei = tmp_path / "tei"
    tei.mkdir()
    (tei / "table.xml").write_text(_table(2500), encoding="utf-8")
    (tei / "small.xml").write_text(letter(1, names=False), encoding="utf-8")
    limit = 600 * pool.MB
    report = build([tei], tmp_path / "out", jobs=2, only=["pdf"],
                   limits=pool.Limits(memory=limit))
    table = next(d for d in report.documents if d.path.name == "table.xml")
    assert "memory limit of 600 MB" in table.failure and "--max-memory" in table.failure
    assert (tmp_path / "out" / "small.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "out" / "table.pdf").exists()
    assert report.exit_code == 1
    # sampled often enough that a worker never gets far past its limit
    assert limit < report.usage.worker_peak < limit * 1.25


CRASHING = textwrap.dedent("""\
    import os, subprocess, sys, time
    def work(payload):
        if payload == "crash":
            os._exit(3)
        if payload == "hang":  # a child process that would outlive its worker
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
            time.sleep(120)
        return payload.upper()
    """)


def test_a_crashing_worker_costs_only_its_document(tmp_path, monkeypatch):
    (tmp_path / "te_crashing_work.py").write_text(CRASHING)
    monkeypatch.syspath_prepend(str(tmp_path))
    import te_crashing_work

    results = {}
    usage = pool.run([(n, p) for n, p in enumerate(["a", "crash", "b", "c"])],
                     te_crashing_work.work, jobs=2, on_done=results.__setitem__)
    assert results[0] == "A" and results[2] == "B" and results[3] == "C"
    assert isinstance(results[1], pool.Failure) and "crashed (exit code 3)" in results[1].message
    assert usage.workers_started >= 2  # a fresh worker replaces it when work is left


HOGGING = textwrap.dedent("""
    import os
    kept = []
    def work(payload):
        kept.append("x" * (48 << 20))  # held: the worker grows 48 MB a document
        return os.getpid()
    """)


def test_a_worker_grown_too_large_is_renewed_between_documents(tmp_path, monkeypatch):
    """A worker whose memory grew above pool.RENEW_ABOVE is replaced before its next
    document (Saxon's heap grows with a long run): every document is rendered, and a
    worker's peak stays near the bound, not the collection's size."""
    (tmp_path / "te_hogging_work.py").write_text(HOGGING)
    monkeypatch.syspath_prepend(str(tmp_path))
    import te_hogging_work

    def hog(renew_above):
        monkeypatch.setattr(pool, "RENEW_ABOVE", renew_above)
        results = {}
        usage = pool.run([(n, n) for n in range(12)], te_hogging_work.work, jobs=1,
                         on_done=results.__setitem__)
        assert sorted(results) == list(range(12)) and all(isinstance(r, int) for r in results.values())
        return results, usage

    results, usage = hog(160 * pool.MB)
    assert usage.workers_renewed >= 2
    assert len(set(results.values())) == usage.workers_started == usage.workers_renewed + 1
    # no worker held more than the bound allows (a fresh worker is some 20 MB, one that
    # was started early with the engines loaded more, and is renewed sooner)
    per_worker = Counter(results.values())
    assert max(per_worker.values()) <= 4, per_worker
    # unbounded, one worker holds all twelve (576 MB)
    unbounded, usage = hog(2**40)
    assert usage.workers_renewed == 0 and len(set(unbounded.values())) == 1


@pytest.mark.slow
@needs_shared(LETTERS)
def test_real_letters_publish_and_registers_do_not(tmp_path):
    """A handful of the letter edition's letters with its registers (symlinks, nothing
    copied): every letter publishes, no register is exported as a document."""
    sample = tmp_path / "sample"
    (sample / "letters").mkdir(parents=True)
    for path in letter_sample(600):
        os.symlink(path, sample / "letters" / path.name)
    (sample / "registers").mkdir()
    for path in (LETTERS / "registers").glob("*.xml"):
        os.symlink(path, sample / "registers" / path.name)
    report = build([sample], tmp_path / "out", jobs=2, only=["text", "html"])
    letters = [d for d in report.documents if d.kind == "document"]
    assert len(letters) == len(letter_sample(600)) and all(d.ok for d in letters), \
        [d.failure or d.problems or [f.message for f in d.formats] for d in letters if not d.ok]
    assert sorted(d.path.name for d in report.documents if d.kind == "register") == \
        ["people.xml", "places.xml"]
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["html", "letters", "sample.txt"]
    assert (out / "html" / "index.html").is_file()  # the collection site
    assert not (out / "html" / "registers" / "people").exists()
    assert len(list((out / "letters").glob("*.txt"))) == len(letters)
    # the names link by key into the registers: the pages name the register's persons
    assert any((out / "html" / "registers").rglob("*.html"))


def test_time_limit_stops_the_worker_and_what_it_started(tmp_path, monkeypatch):
    (tmp_path / "te_hanging_work.py").write_text(CRASHING)
    monkeypatch.syspath_prepend(str(tmp_path))
    import te_hanging_work

    results, started = {}, []
    real_worker = pool._Worker

    class Watched(real_worker):
        def send(self, task):
            started.append(self.process.pid)
            super().send(task)

    monkeypatch.setattr(pool, "_Worker", Watched)
    pool.run([(0, "hang"), (1, "a")], te_hanging_work.work, jobs=1,
             limits=pool.Limits(timeout=1.0), on_done=results.__setitem__)
    assert results[1] == "A"
    assert "time limit of 1 s" in results[0].message and "--timeout" in results[0].message
    assert not pool.descendants(started[0])
    assert not any(_command(pid).endswith("time.sleep(120)") for pid in pool.descendants(os.getpid()))


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""



COLLECTION = Path(__file__).parent / "fixtures" / "collection"


@pytest.mark.slow
def test_the_fixture_collection_publishes_every_document(tmp_path):
    """Registers merged, never exported; a teiCorpus child is a document of its own, a
    file of many documents one book; edition.toml's formats; the collection's problems
    reported and (with --strict) the document with an error withheld."""
    out = tmp_path / "out"
    report = build([COLLECTION], out, jobs=2)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == \
        ["collection.txt", "html", "letters", "volumes"]  # text and html, as edition.toml says;
    # no registers/; the collection's text file beside its documents'
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == [
        "collection.txt", "letters/diary-07.txt", "letters/letter-01.txt", "letters/letter-02.txt",
        "letters/letter-03.txt", "letters/letter-04.txt", "letters/letter-08.txt",
        "letters/note-05.txt", "letters/note-06.txt", "letters/note-09.txt",
        "volumes/corpus/2.txt", "volumes/corpus/c1.txt", "volumes/frus.txt"]
    assert (out / "html" / "volumes" / "frus" / "index.html").is_file()
    broken = [d for d in report.documents if d.kind == "malformed"]
    assert [d.path.name for d in broken] == ["broken.xml"] and report.exit_code == 1
    assert any("date-not-real" in note for note in report.notes)
    assert any("duplicate-id" in note for note in report.notes)

    site = {k: v for k, v in files(out / "html").items() if "/" not in k or
            k.startswith(("registers/", "search/", "catalogue/"))}
    again = build([COLLECTION], out, jobs=2)
    assert again.rendered == 0  # the site is made again from the digests kept in the manifest
    assert {k: v for k, v in files(out / "html").items() if k in site} == site

    strict = build([COLLECTION], tmp_path / "strict", jobs=2, strict=True)
    withheld = [d for d in strict.documents if d.kind == "document" and d.problems]
    assert [d.path.name for d in withheld] == ["letter-08.xml"]
    assert not (tmp_path / "strict" / "letters" / "letter-08.txt").exists()
    assert (tmp_path / "strict" / "letters" / "letter-01.txt").exists()


def _export_stopped_at_its_limit(run, folder: Path, fmt: str, rows: int, option: str,
                                 value: str, message: str) -> None:
    """Exporting a table of ``rows`` rows with ``option value`` fails with ``message``
    (naming the option to raise), and leaves no output."""
    source = folder / "table.xml"
    source.write_text(_table(rows), encoding="utf-8")
    target = folder / f"table.{'txt' if fmt == 'text' else fmt}"
    result = run("export", fmt, str(source), "-o", str(target), option, value)
    assert result.exit_code == 1
    assert message in result.stderr and option in result.stderr
    assert not target.exists()


def test_export_has_a_time_limit_that_holds(run, tmp_path):
    """A table of 1,000 rows takes Saxon far longer than 0.01 s."""
    _export_stopped_at_its_limit(run, tmp_path, "text", 1000, "--timeout", "0.01",
                                 "time limit of 0.01 s")
    small = tmp_path / "letter.xml"
    small.write_text(letter(1, names=False), encoding="utf-8")
    result = run("export", "text", str(small), "-o", str(tmp_path / "letter.txt"))
    assert result.exit_code == 0 and "letter 1" in (tmp_path / "letter.txt").read_text()


@pytest.mark.slow
def test_export_pdf_takes_no_more_memory_than_it_announces(run, tmp_path):
    _export_stopped_at_its_limit(run, tmp_path, "pdf", 2500, "--max-memory", "600M",
                                 "memory limit of 600 MB")


@pytest.mark.slow
def test_a_file_of_many_documents_gets_its_pdf_and_pages_in_an_edition(tmp_path):
    # a letter's PDF names the edition (edition.toml's title): the option given to the
    # PDF format once made a file of many documents (no page of its own) take the path
    # of a collection page, and fail with an internal error
    out = tmp_path / "out"
    report = build([COLLECTION / "letters" / "letter-01.xml", COLLECTION / "volumes" / "frus.xml",
                    COLLECTION / "registers"], out,
                   jobs=1, only=["html", "pdf"], books="per-document")
    assert not [n for n in report.notes if "internal error" in n], report.notes
    assert report.exit_code == 0, report.notes
    assert (out / "volumes" / "frus.pdf").is_file()
    assert (out / "html" / "volumes" / "frus" / "index.html").is_file()


def test_the_register_a_worker_receives_is_the_register_sent(collection):
    """A pool's workers get the collection's register pickled (its elements as one
    text, parsed in one go): every entry, element, copy, key rule and problem comes
    back, and so does what a page depends on (its keys, its digests)."""
    import pickle

    from lxml import etree

    from tei_edition.collection import load

    (collection / "letter-3.xml").write_text(letter(3).replace(
        "</TEI>", '<standOff><listPerson><person xml:id="p1"><persName>Ben Example</persName>'
        '</person><person xml:id="p7" n="Seven"><persName>Seven</persName></person>'
        '<person xml:id="p7"><persName>Again</persName></person>'
        '</listPerson></standOff></TEI>'), encoding="utf-8")
    register = load([collection]).register
    register.detect_keys({"person": {"Seven"}})
    sent = pickle.loads(pickle.dumps(register))

    def whole(r):
        return ([(e.id, e.kind, e.names, e.description, e.path, e.line, e.attributes,
                  etree.tostring(e.element, method="c14n") if e.element is not None else None,
                  r.key_of(e)) for e in r],
                r.copies, r.key_rules, [p.as_text() for p in r.problems], sorted(r.files),
                r.in_file("letter-3.xml", "p1").path, r.lookup_key("Seven", "person").id)
    assert whole(sent) == whole(register)
    assert register.copies and register.problems  # (the copy of p1; p7 twice)
    assert sent.digest(register.keys()) == register.digest(register.keys())
    assert etree.tostring(sent.bundle()) == etree.tostring(register.bundle())


def test_the_first_worker_of_an_html_rebuild_compiles_the_site_stylesheet_as_it_starts(
        tmp_path, monkeypatch):
    """A build with the HTML format over a finished build has its first worker compile
    the collection site's stylesheet too (it makes the few pages a rebuild of a few
    letters changes), after the formats'; a first build, a forced one, or one without
    HTML does not (a whole site's pages are made by child processes)."""
    from tei_edition.cli import early
    from tei_edition.publish import manifest

    monkeypatch.chdir(tmp_path)
    site_sheet = "tei_edition.cli.jobs:compile_site_stylesheet"
    rebuilds = (["build", "tei"], ["build", "tei", "--only", "html"], ["build", "--only=html,pdf"],
                ["build", "tei", "-o", "site"], ["build", "tei", "--output=site"])
    for argv in rebuilds:
        assert site_sheet not in early.preload_for(argv), argv  # (nothing built yet)
    for folder in ("build", "site"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / manifest.MANIFEST).write_text("{}", encoding="utf-8")
    for argv in rebuilds:
        found = early.preload_for(argv)
        assert found[-1] == site_sheet and found[-2].startswith("tei_edition.cli.jobs:compile_stylesheets"), argv
    assert site_sheet not in early.preload_for(["build", "tei", "--force"])
    # (what early names again, as the build and its command line name it)
    from tei_edition.publish import build as build_module

    assert early._BUILD_OUT == build_module.DEFAULT_OUT and early._MANIFEST == manifest.MANIFEST
    assert site_sheet not in early.preload_for(["build", "tei", "--only", "pdf"])
    assert site_sheet not in early.preload_for(["export", "html", "a.xml"])
