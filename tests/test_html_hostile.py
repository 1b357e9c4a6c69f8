"""The site stays in proportion to its input (issue 13): data repeated per mention (a
register description, a hand note) is written once and referenced, and the work per
name is constant, however many names one paragraph holds. Measured on inputs that
grow: a bound on ratios, never on wall-clock time."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from conftest import cpu_seconds
from tei_edition.publish.export import export_file

TEI = "http://www.tei-c.org/ns/1.0"
LONG = 100_000  # characters of one description


def document(body: str, *, description: str = "short", profile: str = "") -> str:
    return (f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>Grows</title></titleStmt>'
            "<publicationStmt><p>test</p></publicationStmt><sourceDesc><p>generated</p></sourceDesc>"
            f"</fileDesc>{profile}</teiHeader><text><body>{body}</body></text>"
            f'<standOff><listPerson><person xml:id="p1"><persName>Someone</persName>'
            f"<note>{description}</note></person></listPerson></standOff></TEI>")


def described(n: int) -> str:
    """n mentions of one person whose register note is 100 KB long."""
    body = "".join(f'<p>Passage {i} names <persName ref="#p1">Someone</persName> here.</p>'
                   for i in range(n))
    return document(body, description="word " * (LONG // 5))


def handed(n: int) -> str:
    """n additions in one hand whose description is 100 KB long."""
    profile = (f'<profileDesc><handNotes><handNote xml:id="h1">{"ink " * (LONG // 4)}'
               "</handNote></handNotes></profileDesc>")
    body = "".join(f'<p>Passage {i} has <add hand="#h1">an addition</add> in it.</p>' for i in range(n))
    return document(body, profile=profile)


def crowded(n: int) -> str:
    """One paragraph naming the same person n times."""
    return document("<p>" + " ".join('then <persName ref="#p1">Someone</persName>' for _ in range(n))
                    + " end.</p>")


def export(tmp_path: Path, name: str, text: str, **options) -> tuple[int, int, Path]:
    source = tmp_path / f"{name}.xml"
    source.write_text(text, encoding="utf-8")
    site = tmp_path / f"{name}-site"
    export_file(source, "html", site, **options)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return source.stat().st_size, size, site


@pytest.mark.parametrize("make, long_text", [(described, "word " * (LONG // 5 - 1)),
                                             (handed, "ink " * (LONG // 4 - 1))])
def test_output_grows_with_the_input_not_with_mentions_times_data(tmp_path, make, long_text):
    sizes = [export(tmp_path, f"{make.__name__}{n}", make(n))[:2] for n in (10, 40, 160)]
    for (in_a, out_a), (in_b, out_b) in zip(sizes, sizes[1:]):
        # each added mention costs some hundreds of bytes of pages, not a copy of 100 KB
        assert (out_b - out_a) / (in_b - in_a) < 60, sizes
    # the long text is still on the site in full, a fixed number of times whatever the
    # mentions: on its register page, or in the about page's hands and its full header
    last = tmp_path / f"{make.__name__}160-site"
    pages = "".join(p.read_text(encoding="utf-8") for p in last.glob("*.html"))
    assert 1 <= pages.count(long_text) <= 2


def test_an_addition_names_its_hand_briefly(tmp_path):
    """The hand's description is on the about page once; an addition's hover text
    and its textual note (the Variants list) name the hand by the start of it."""
    _, _, site = export(tmp_path, "handed", handed(20))
    index = (site / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'class="tei-add[^"]*" title="([^"]*)"', index)
    assert len(titles) == 20 and all(len(t) < 160 and "ink ink" in t for t in titles)
    apparatus = re.search(r'<section class="footnotes apparatus".*?</section>', index).group(0)
    entries = re.findall(r'<li id="[^"]*-app-[^"]*"><a [^>]*role="doc-backlink"[^>]*>[a-z]+</a> (.*?)</li>',
                         apparatus)
    assert len(entries) == 20
    assert all(e.startswith("an addition] added by another hand: ink ink") and len(e) < 160
               and e.endswith("(see Hands)") for e in entries), entries[0][:300]
    assert "ink " * 50 not in index
    about = (site / "about.html").read_text(encoding="utf-8")
    assert "ink " * (LONG // 4 - 1) in about


def test_the_long_description_is_written_once_and_the_card_shows_its_short_form(tmp_path):
    _, _, site = export(tmp_path, "described", described(50))
    index = (site / "index.html").read_text(encoding="utf-8")
    # each name holds only its link, which names the entry (the card's key)
    assert index.count('<a href="persons.html#p1" id=') == 50
    assert "word word word" not in index
    cards = json.loads((site / "entities.js").read_text(encoding="utf-8")
                       .split("window.teEntities = ", 1)[1].rstrip().removesuffix(";"))
    # a card is a glance: [label, dates, description], the description the index's short
    # form (names.xsl, te:index-description: at most about a line and a half, cut at a word)
    [label, dates, description] = cards["person"]["p1"]
    assert label == "Someone" and dates == ""
    assert 90 < len(description) <= 102 and description == "word " * 19 + "word …"
    persons = (site / "persons.html").read_text(encoding="utf-8")
    # the register page has all of it, once
    assert "word " * (LONG // 5 - 1) in persons and len(persons) < 1.5 * LONG


def test_work_per_name_is_constant_in_a_crowded_paragraph(tmp_path):
    # in this process (timeout=None), so that process_time counts the transform
    export(tmp_path, "warm", crowded(100), timeout=None)  # compile the stylesheets first

    def cpu(n: int) -> float:
        start = time.process_time()
        _, _, site = export(tmp_path, f"crowded{n}", crowded(n), timeout=None)
        spent = time.process_time() - start
        persons = (site / "persons.html").read_text(encoding="utf-8")
        # (the person is xml:id "p1": the paragraph's path takes back "body1." so as not to take it)
        assert persons.count('<li><a href="index.html#body1.p1-n') == n  # every mention listed
        assert f'href="index.html#body1.p1-n{n}"' in persons
        return spent

    small, large = cpu(800), cpu(3200)
    # four times the names: about four times the work (sixteen when each name walks
    # the whole paragraph, as it did: 2,000 names took 10.6 s of CPU, 4,000 about 45 s)
    assert large / small < 8, (small, large)


def test_crowded_snippets_show_their_neighbours_only(tmp_path):
    _, _, site = export(tmp_path, "crowded", crowded(300))
    persons = (site / "persons.html").read_text(encoding="utf-8")
    first = persons.split('<span class="snippet">', 2)[1].split("</span>", 1)[0]
    assert first.startswith("then <mark>Someone</mark> then Someone")
    assert first.endswith(" …") and len(first) < 140
    middle = persons.split('<span class="snippet">')[150].split("</span>", 1)[0]
    assert middle.startswith("… ") and middle.endswith(" …")


def test_an_export_that_overruns_its_time_is_stopped_and_named(tmp_path):
    from tei_edition.errors import ResourceError

    source = tmp_path / "crowded.xml"
    source.write_text(crowded(20_000), encoding="utf-8")
    with pytest.raises(ResourceError, match=r"did not finish within 0\.2 seconds.*--timeout"):
        export_file(source, "html", tmp_path / "site", timeout=0.2)
    assert not (tmp_path / "site").exists()  # nothing half-written
    # the next export gets a fresh worker and goes through
    _, _, site = export(tmp_path, "small", crowded(10))
    assert (site / "index.html").is_file()


def test_the_worker_ends_with_its_parent_and_leaves_nothing(tmp_path):
    """SIGTERM to a process exporting HTML (its default action: no Python cleanup runs)
    ends its worker too, even in the middle of a transform, and no file is left."""
    import os
    import signal
    import subprocess
    import sys

    source = tmp_path / "crowded.xml"
    source.write_text(crowded(100_000), encoding="utf-8")  # a transform of many seconds
    script = ("import sys; from tei_edition.publish.export import export_file; "
              "export_file(sys.argv[1], 'html', sys.argv[2])")
    env = dict(os.environ, TMPDIR=str(tmp_path))
    parent = subprocess.Popen([sys.executable, "-c", script, str(source), str(tmp_path / "site")], env=env)
    try:
        worker = None
        for _ in range(600):  # until the worker runs (it is the parent's only child)
            children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
            found = children.read_text().split() if children.exists() else []
            if found:
                worker = int(found[0])
                break
            time.sleep(0.05)
        assert worker, "the export started its worker"
        for _ in range(1200):  # the job is under way: the worker has been computing a while
            if cpu_seconds(worker) > 1.0:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the worker never started rendering")
        parent.send_signal(signal.SIGTERM)
        parent.wait()
        for _ in range(100):  # far less than the transform would take
            if not Path(f"/proc/{worker}").exists() or "Z" in Path(f"/proc/{worker}/stat").read_text().split()[2]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the worker outlived its parent")
    finally:
        if parent.poll() is None:
            parent.kill()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crowded.xml"]
