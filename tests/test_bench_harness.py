"""The benchmark machinery (bench/): medians, peak memory, the TEI generator.

Nothing here is timed: these tests check that the harness measures what it says and
that generated inputs have the requested size and the dossier's structure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a top-level folder, not part of the installed package
    sys.path.insert(0, str(ROOT))

from bench import generate, harness  # noqa: E402

TEI = {"tei": generate.TEI_NS}
XML_ID = generate.XML_ID


def test_median_of_odd_even_and_missing_values():
    assert harness.median([3.0, 1.0, 2.0]) == 2.0
    assert harness.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert harness.median([None, 5.0]) == 5.0
    assert harness.median([]) is None


def test_peak_memory_is_the_childs_own():
    big = harness.run_once([sys.executable, "-c", "b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"])
    small = harness.run_once([sys.executable, "-c", "pass"])
    assert big.returncode == small.returncode == 0
    assert big.maxrss >= 150 * 1024 * 1024
    # the parent's own size (pytest, lxml) must not leak into the child's figure
    assert small.maxrss < 60 * 1024 * 1024 < big.maxrss


def test_failures_and_missing_programs_are_recorded_not_raised():
    failed = harness.run_once([sys.executable, "-c", "import sys; print('x', file=sys.stderr); sys.exit(2)"])
    assert failed.returncode == 2 and failed.stderr == "x"
    usage_error = harness.Run(seconds=0.1, maxrss=1, returncode=2, stderr="Error: No such option '-o'.")
    assert not harness.not_available(usage_error)  # a broken command of ours is a failure
    missing = harness.run_once(["no-such-program-for-bench"])
    assert missing.returncode == 127 and harness.not_available(missing)


def test_measure_interleaves_and_stops_a_failing_command():
    ok_cmd = [sys.executable, "-c", "pass"]
    broken = [sys.executable, "-c", "import sys; print('Error: No such option', file=sys.stderr); sys.exit(2)"]
    ok, bad, na = harness.measure([ok_cmd, broken, ["no-such-program-for-bench"]], repeats=2, warmup=1)
    assert ok.status == "ok" and len(ok.runs) == 2 and len(ok.warmup) == 1
    assert ok.seconds is not None and ok.maxrss > 0
    assert bad.status == "failed" and bad.seconds is None and "No such option" in bad.detail
    assert na.status == "not available" and na.seconds is None and na.runs == []


@pytest.mark.parametrize("which", ["source", "template"])
def test_generated_file_has_the_requested_size_and_the_dossier_structure(tmp_path: Path, which: str):
    source = generate.Source.load(generate.TEMPLATE if which == "template" else None)
    target = 300_000
    out = generate.write_tei(tmp_path / "big.xml", target, source=source)
    size = out.stat().st_size
    biggest_unit = max(len(generate.unit_copy(u, 1, 1).encode()) for u in source.units)
    assert target <= size < target + biggest_unit + 1000

    tree = etree.parse(str(out))  # well-formed
    root = tree.getroot()
    assert root.tag == f"{{{generate.TEI_NS}}}TEI"
    assert root.find("tei:teiHeader", TEI) is not None
    assert root.xpath("tei:text/tei:front/tei:div[@type='essay']", namespaces=TEI)
    documents = root.xpath("tei:text/tei:body/tei:div[@type='document']", namespaces=TEI)
    assert len(documents) > 2 * len(source.units)
    for part in ("tei:head", ".//tei:note[@type='source']", "tei:opener", ".//tei:p"):
        assert all(d.xpath(part, namespaces=TEI) for d in documents), part
    assert any(d.xpath("tei:closer", namespaces=TEI) for d in documents)

    ids = root.xpath("//@xml:id")
    assert len(ids) == len(set(ids)), "copies must get fresh xml:ids"
    registered = set(root.xpath("tei:standOff//@xml:id", namespaces=TEI))
    refs = root.xpath("tei:text//tei:persName/@ref | tei:text//tei:placeName/@ref"
                      " | tei:text//tei:orgName/@ref", namespaces=TEI)
    assert refs
    local = [t[1:] for r in refs for t in r.split() if t.startswith("#")]
    assert local and set(local) <= registered, "names keep pointing into the one register"
    pointers = [t[1:] for v in root.xpath("tei:text//@*[contains(., '#')]", namespaces=TEI)
                for t in v.split() if t.startswith("#")]
    assert set(pointers) <= set(ids), "every local pointer leads to an id"


def test_generation_is_deterministic(tmp_path: Path):
    a = generate.write_tei(tmp_path / "a" / "x.xml", 120_000, seed=3)
    b = generate.write_tei(tmp_path / "b" / "x.xml", 120_000, seed=3)
    assert a.read_bytes() == b.read_bytes()


def test_corpus_with_one_shared_register(tmp_path: Path):
    source = generate.Source.load()
    paths = generate.write_corpus(tmp_path, 4, 400_000, shared_register=True, source=source)
    assert len(paths) == 4
    assert 400_000 <= sum(p.stat().st_size for p in paths) < 400_000 + 4 * 100_000
    if source.external:
        pytest.skip("the source keeps its registers in their own files")
    register = etree.parse(str(tmp_path / "register.xml")).getroot()
    entries = set(register.xpath("//tei:standOff//@xml:id", namespaces=TEI))
    doc = etree.parse(str(paths[0])).getroot()
    assert doc.find("tei:standOff", TEI) is None
    refs = [t for r in doc.xpath("//tei:persName/@ref", namespaces=TEI) for t in r.split()]
    assert refs and all(t.startswith("register.xml#") and t.split("#")[1] in entries for t in refs)


def test_sizes_parse():
    assert generate.parse_size("10MB") == 10_000_000
    assert generate.parse_size("200KB") == 200_000
    assert generate.parse_size("1.5M") == 1_500_000
    with pytest.raises(ValueError):
        generate.parse_size("big")


def test_a_run_over_its_memory_limit_is_killed_and_reported():
    hog = [sys.executable, "-c", "import time; b = bytearray(400 * 1024 * 1024); "
           "b[::4096] = b'x' * len(b[::4096]); time.sleep(30)"]
    [series] = harness.measure([hog], repeats=2, warmup=0, mem_limit=200 * 1024 * 1024)
    assert series.status == "over memory" and series.seconds is None
    assert len(series.runs) == 0  # the killed run is not a measurement


def test_site_size_counts_files_and_folders_as_du_does(tmp_path: Path):
    """The bench row "site size / TEI size" (issue 15): file bytes (a hard-linked file
    once), what ``du -sb`` counts (folders too), against the TEI of the inputs."""
    import shutil
    import subprocess

    from bench import cases

    html = tmp_path / "out" / "html"
    (html / "letters" / "a").mkdir(parents=True)
    (html / "letters" / "a" / "index.html").write_bytes(b"x" * 3000)
    (html / "search").mkdir()
    (html / "search" / "d0.js").write_bytes(b"y" * 500)
    (html / "search" / "d1.js").hardlink_to(html / "search" / "d0.js")
    files, du, count, folders = cases.site_bytes(html)
    assert (files, count, folders) == (3500, 2, 4)
    assert du == files + sum(p.stat().st_size for p in (html, html / "letters", html / "letters" / "a",
                                                          html / "search"))
    if shutil.which("du"):
        assert du == int(subprocess.run(["du", "-sb", str(html)], capture_output=True, text=True,
                                        check=True).stdout.split()[0])
    letters, registers = tmp_path / "in" / "letters", tmp_path / "in" / "registers"
    letters.mkdir(parents=True)
    registers.mkdir()
    (letters / "one.xml").write_bytes(b"<TEI/>" * 100)
    (letters / "notes.txt").write_bytes(b"not TEI")
    (registers / "people.xml").symlink_to(letters / "one.xml")  # a file link is followed
    assert cases.tei_bytes([letters, registers]) == 1200
    row = cases._site_size("test", html, [letters, registers])
    assert row.ratio == du / 1200 and row.met is False
    assert row.extra["site_file_bytes"] == 3500 and row.extra["parts_du_bytes"]["search"] > 500


def test_the_reference_stylesheet_is_chosen_by_TEI_STYLESHEETS(tmp_path: Path):
    """Issue 14: TEI_STYLESHEETS names a TEI Stylesheets checkout (or its html.xsl) and
    the HTML cases are measured against it; unset, the lean stand-in, as before; a value
    naming no html/html.xsl stops the run rather than quietly measuring the stand-in."""
    from bench import reference

    lean = reference.chosen({})
    assert lean.xsl == reference.LEAN_XSL and lean.xsl.is_file() and "stand-in" in lean.label
    assert reference.chosen({"TEI_STYLESHEETS": " "}) == lean
    (tmp_path / "Stylesheets" / "html").mkdir(parents=True)
    html_xsl = tmp_path / "Stylesheets" / "html" / "html.xsl"
    html_xsl.write_text("<xsl:stylesheet/>", encoding="utf-8")
    for value in (tmp_path / "Stylesheets", html_xsl):
        theirs = reference.chosen({"TEI_STYLESHEETS": str(value)})
        assert theirs.xsl == html_xsl.resolve()
        assert theirs.label == "vs TEI Stylesheets" and str(html_xsl.resolve()) in theirs.name
    with pytest.raises(SystemExit, match="TEI_STYLESHEETS=.*no html/html.xsl"):
        reference.chosen({"TEI_STYLESHEETS": str(tmp_path)})


def test_the_reference_runs_one_saxon_over_every_document(tmp_path: Path):
    """run_xslt: one output file per input document, from the stylesheet it is given."""
    from bench.reference import run_xslt

    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for name, title in (("a.xml", "Alpha"), ("sub/b.xml", "Beta")):
        (src / name).write_text(f"<doc><title>{title}</title></doc>", encoding="utf-8")
    xsl = tmp_path / "t.xsl"
    xsl.write_text('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                   '<xsl:output method="html"/><xsl:template match="/"><h1>'
                   '<xsl:value-of select="doc/title"/></h1></xsl:template></xsl:stylesheet>',
                   encoding="utf-8")
    assert run_xslt.main([str(xsl), str(tmp_path / "out"), str(src)]) == 0
    pages = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in pages] == ["00000-a.html", "00001-b.html"]
    assert "<h1>Alpha</h1>" in pages[0].read_text() and "<h1>Beta</h1>" in pages[1].read_text()


def test_the_frus_goal_compares_our_peak_with_the_references_in_the_same_run():
    """Issue 14: the 4 MB FRUS export must take at most half the reference's time and
    hold no more memory than the reference did in the same run (not a fixed figure);
    the row says both sides' time and peak."""
    from bench import cases

    MB = 2**20
    assert cases.frus_goal_met(0.45, 300 * MB, 310 * MB) is True
    assert cases.frus_goal_met(0.45, 300 * MB, 290 * MB) is False  # over the reference's peak
    assert cases.frus_goal_met(0.55, 200 * MB, 290 * MB) is False  # too slow
    assert cases.frus_goal_met(0.45, 300 * MB, 300 * MB) is True
    assert cases.frus_goal_met(None, 300 * MB, 310 * MB) is None
    assert cases.frus_goal_met(0.45, 300 * MB, None) is None
    ours = harness.Series(["ours"], runs=[harness.Run(2.5, 300 * MB, 0), harness.Run(3.5, 320 * MB, 0)])
    theirs = harness.Series(["theirs"], runs=[harness.Run(7.0, 268 * MB, 0)])
    assert cases.frus_note(ours, theirs) == \
        "time 3.00 s vs 7.00 s; peak 310.0 MB vs 268.0 MB (ours vs reference)"


@pytest.mark.parametrize("inclusive", [False, True])
def test_the_profiles_clock_takes_nested_calls_out_or_keeps_them(inclusive, monkeypatch):
    """bench.clock.Clock, the timing of both profiles: a nested timed call's time is
    taken out of the outer one's (page_profile) or kept in it (worker_profile); nothing
    is counted while ``counting`` is False; a wrapped function keeps its original."""
    from types import SimpleNamespace

    from bench import clock as clock_module

    ticks = iter(range(0, 1000, 1))  # each reading of a clock: one second later
    monkeypatch.setattr(clock_module.time, "process_time", lambda: float(next(ticks)))
    monkeypatch.setattr(clock_module.time, "perf_counter", lambda: 0.0)
    clock = clock_module.Clock(inclusive=inclusive)
    owner = SimpleNamespace(__name__="pkg.owner", inner=lambda x: x + 1)
    clock.wrap(owner, "inner")
    with clock.timing("outer"):  # outer reads 0 ... 3: 3 s, 1 of them (1 -> 2) inner's
        assert owner.inner(1) == 2
    assert owner.inner.__wrapped__(5) == 6
    assert dict(clock.cpu) == {"owner.inner": 1.0, "outer": 3.0 if inclusive else 2.0}
    assert dict(clock.calls) == {"owner.inner": 1, "outer": 1}
    clock.counting = False
    owner.inner(1)
    assert dict(clock.calls) == {"owner.inner": 1, "outer": 1}


@pytest.fixture(scope="module")
def three_letters(tmp_path_factory) -> Path:
    return generate.write_letters(tmp_path_factory.mktemp("letters"), 3, persons=50, places=20)


def test_the_worker_profile_times_every_part_of_every_format(three_letters, capsys):
    """bench.worker_profile on 3 letters (1 warming up), all formats: every part it
    times is called where its callers look it up (none named as never called), the
    PDF's wait for Typst among them; the build's functions are its own again after."""
    from bench import worker_profile
    from tei_edition.publish import build, pool, transform

    originals = (build._run_here, build._attempt, transform.call_saxon, transform.to_xdm)
    assert worker_profile.main(["2", "--skip", "1", "--formats", "html,pdf,text",
                                "--collection", str(three_letters)]) == 0
    printed = capsys.readouterr().out
    assert "2 letters; CPU ms per letter" in printed
    rows = {line[:50].strip(): line[50:].split() for line in printed.splitlines()
            if line.startswith("  ")}
    for part in ("build.render", "html.export", "pdf.start", "pdf.typst_source",
                 "typeset.Compile.submit", "typeset.Compile.wait (idle, wall)",
                 "pdf.Pending.finish", "text.export", "digest.digests",
                 "saxon: transform [pdf]", "saxon: transform [text]",
                 worker_profile.TYPST_CHILD):
        assert rows[part][-1] == "1.00", part  # calls per letter
    assert "never called" not in printed
    assert (build._run_here, build._attempt, transform.call_saxon, transform.to_xdm) == originals
    assert not pool.in_worker()


def test_the_worker_profile_names_a_part_that_is_gone(three_letters, monkeypatch):
    """A part renamed or moved stops the profile, named, before anything is rendered
    (not a profile silently without it); what it had wrapped is put back."""
    from bench import worker_profile
    from tei_edition.publish import transform

    to_xdm = transform.to_xdm
    stale = worker_profile.Part("tei_edition.publish.site", "digest")
    monkeypatch.setattr(worker_profile, "COMMON", worker_profile.COMMON + (stale,))
    with pytest.raises(AttributeError, match=r"tei_edition\.publish\.site\.digest, which is gone"):
        worker_profile.profile(three_letters, 1, 0, ["html"])
    assert transform.to_xdm is to_xdm


def test_the_worker_profile_names_a_part_its_callers_do_not_look_up_there(three_letters,
                                                                          monkeypatch, capsys):
    """A part wrapped where no caller looks it up (``xml.output.write_atomic``: the
    formats import it by name) is named as never called, and the profile fails."""
    from bench import worker_profile

    elsewhere = worker_profile.Part("tei_edition.xml.output", "write_atomic")
    monkeypatch.setattr(worker_profile, "COMMON", worker_profile.COMMON + (elsewhere,))
    assert worker_profile.main(["1", "--skip", "0", "--collection", str(three_letters)]) == 1
    assert "never called (looked up elsewhere now? wrap it there): output.write_atomic" \
        in capsys.readouterr().out
