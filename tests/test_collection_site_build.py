"""``build`` of a generated collection writes the collection site (issue 15) with the
documents' pages: the home page and catalogue, each page in collection mode with its
neighbours and the site's assets, registers with mentions from the digests the workers
made, and an incremental rebuild that keeps them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
from conftest import FIXTURES  # noqa: E402
from search_files import read_passages, read_shard  # noqa: E402
from test_collection_site_fixture import generate  # noqa: E402

from tei_edition.publish import search_index  # noqa: E402
from tei_edition.publish.build import build  # noqa: E402

XHTML = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("build")
    source = generate(folder / "src", letters=10)
    report = build([source], folder / "out", jobs=0, only=["html", "text"])
    assert report.exit_code == 0
    return source, folder / "out", report


def test_build_writes_the_collection_site_beside_the_pages(built):
    source, out, _ = built
    html = out / "html"
    home = etree.parse(str(html / "index.html"))
    assert home.xpath("string(//h:h1)", namespaces=XHTML) == "Letters of a generated collection"
    assert (html / "catalogue.js").is_file() and (html / "search" / "shards.js").is_file()
    pages = sorted(p.stem for p in (html / "letters").glob("*.html"))
    assert len(pages) == 10
    for name in pages:
        page = etree.parse(str(html / "letters" / f"{name}.html"))
        assert page.xpath("//h:link[@rel='stylesheet']/@href", namespaces=XHTML) == ["../assets/edition.css"]
        assert page.xpath("//h:section[@class='collection-doc']", namespaces=XHTML)
        # no cards' data: each entry's card is a script beside its register page
        assert not page.xpath("//h:script[@id='te-entities']", namespaces=XHTML)
        # its names link to their entries without an id each: the registers link to
        # the paragraph (a single document's own register pages link to the name); nor
        # a class each: the link's folder says it is a name, and of which kind
        names = page.xpath("//h:div[@id='te-text']//h:a[contains(@href, 'registers/')]", namespaces=XHTML)
        assert names and not [a.get("id") or a.get("class") for a in names if a.get("id") or a.get("class")]
    # one file a page: no folder (assets, cards' script, marker) but a page's facsimiles
    folders = {p.relative_to(html / "letters").as_posix() for p in (html / "letters").rglob("*")
               if p.is_dir()}
    assert all(f.split("/")[0] in pages for f in folders) and \
        all(f.split("/")[1:2] in ([], ["facsimile"]) for f in folders), folders
    assert not list(html.rglob(".tei-edition-output")) and not list(html.rglob("entities.js"))
    # what the site writes at its top is what the build keeps documents' pages out of
    from tei_edition.publish.site import SITE_NAMES

    assert {p.name for p in html.iterdir()} - {"letters"} <= SITE_NAMES
    heer = etree.parse(str(html / "registers" / "person" / "p2.html"))
    assert len(heer.xpath("//h:section[@class='mentions']/h:ul[@class='by-document']/h:li", namespaces=XHTML)) == 5


def test_every_link_of_the_site_leads_to_a_file_of_the_site(built):
    # a relative link (page, script, stylesheet, image) that leads nowhere is a dead end
    # for a reader; the footer of each document's page once pointed at an about page
    # that only single-document exports write
    from urllib.parse import unquote, urlsplit

    _, out, _ = built
    html = out / "html"
    dead = set()
    for page in html.rglob("*.html"):
        tree = etree.parse(str(page))
        for link in tree.xpath("//h:*/@href | //h:*/@src", namespaces=XHTML):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site (never fetched) or a place on this page
            if not (page.parent / unquote(parts.path)).resolve().is_file():
                dead.add((page.relative_to(html).as_posix(), link))
    assert not dead, sorted(dead)[:10]
    about = etree.parse(str(html / "about.html"))
    assert about.xpath("//h:section[@id='te-signs']//h:tr", namespaces=XHTML)


def test_a_rebuild_keeps_the_site_from_the_kept_digests(built):
    source, out, _ = built
    before = (out / "html" / "registers" / "person" / "p2.html").read_bytes()
    again = build([source], out, jobs=0, only=["html", "text"])
    assert again.rendered == 0 and again.skipped == 10
    assert (out / "html" / "registers" / "person" / "p2.html").read_bytes() == before


def test_build_writes_the_collections_text_file_and_volume(tmp_path):
    source = generate(tmp_path / "src", letters=3)
    report = build([source], tmp_path / "out", jobs=0, only=["pdf", "text"], books="both")
    assert report.exit_code == 0
    out = tmp_path / "out"
    assert (out / "src.txt").read_text(encoding="utf-8").startswith("Letters of a generated collection\n")
    assert (out / "src.pdf").read_bytes().startswith(b"%PDF")
    assert len(list((out / "letters").glob("*.pdf"))) == 3
    only = build([source], tmp_path / "only", jobs=0, only=["pdf"], books="volume")
    assert only.exit_code == 0 and (tmp_path / "only" / "src.pdf").is_file()
    assert not (tmp_path / "only" / "src.txt").exists()
    assert not list((tmp_path / "only").rglob("letter_*.pdf"))  # the volume instead of one each


def test_build_full_registers_lists_the_entries_no_document_mentions(run, tmp_path):
    """``--full-registers`` (issue 15): the register entry no letter names (p6) has its
    page only with it; the site is written whole on every build, so a rebuild that
    renders nothing again still follows the option either way."""
    source = generate(tmp_path / "src", letters=3)
    out = tmp_path / "out"
    unmentioned = out / "html" / "registers" / "person" / "p6.html"
    mentioned = out / "html" / "registers" / "person" / "p2.html"
    args = ["build", str(source), "-o", str(out), "--only", "html", "--jobs", "1"]
    assert run(*args).exit_code == 0
    assert mentioned.is_file() and not unmentioned.exists()
    result = run(*args, "--full-registers")
    assert result.exit_code == 0, result.output
    assert "3 rendered" not in result.stdout and "0 rendered, 3 unchanged" in result.stdout
    page = etree.parse(str(unmentioned))
    assert "Never Mentioned" in page.xpath("string(//h:h1)", namespaces=XHTML)
    assert "An entry no letter names." in " ".join(page.xpath("//text()"))
    assert page.xpath("//h:section[@class='mentions']", namespaces=XHTML)
    assert not page.xpath("//h:section[@class='mentions']/h:ul[@class='by-document']/h:li", namespaces=XHTML)
    assert etree.parse(str(mentioned)).xpath("//h:section[@class='mentions']/h:ul[@class='by-document']/h:li", namespaces=XHTML)
    assert run(*args).exit_code == 0
    assert mentioned.is_file() and not unmentioned.exists()


FIXTURE = FIXTURES / "collection"


def test_documents_of_a_file_of_many_are_searched_and_in_the_registers(tmp_path):
    """The fixture's FRUS-style file (volumes/frus.xml: three document divisions, one
    without an xml:id) is rendered as one page; each of its documents still has its
    passages in the search index and its mentions on the register pages, linking into
    that page, and a rebuild keeps them from the manifest."""
    import shutil

    source = tmp_path / "collection"
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("broken.xml"))
    out = tmp_path / "out"
    report = build([source], out, jobs=0, only=["html"])
    assert report.exit_code == 0, report.notes
    html = out / "html"
    whole = etree.parse(str(html / "volumes" / "frus" / "index.html"))
    ids = set(whole.xpath("//@id"))

    texts = {}
    for path in (html / "search").glob("d*.js"):
        if path.name.count(".") == 1:  # (d<n>.js: a document's list of its passages' files)
            number = int(path.name[1:-3])
            texts[number] = dict(read_passages(lambda name: (html / name).read_text(encoding="utf-8"), number))
    memo = next(n for n, passages in texts.items() if "Beispiel reports." in passages.values())
    assert {a for a, t in texts[memo].items() if t == "Beispiel reports."} <= ids
    assert any("No date at all." in passages.values() for passages in texts.values())  # no xml:id
    shard = (html / "search" / "s-72-65.js").read_text(encoding="utf-8")
    postings = read_shard(shard)[1]["t"]["reports"]
    from test_collection_site import _postings
    assert memo in {number for number, _, _ in _postings(postings)}

    for key, anchor, title, date in (
            ("p2", "div1.div1.p1", "Memorandum from Hans Beispiel", "10 January 1872"),
            ("p1", "div1.div2.p1", "Telegram to Anna Muster", "12 January 1872")):
        register = etree.parse(str(html / "registers" / "person" / f"{key}.html"))
        links = register.xpath("//h:section[@class='mentions']/h:ul/h:li/h:a[1]", namespaces=XHTML)
        target = f"../../volumes/frus/index.html#{anchor}"
        assert [a.text for a in links if a.get("href") == target] == [title] and anchor in ids
        # the date as the catalogue shows it, beside the title (which does not say it)
        [link] = [a for a in links if a.get("href") == target]
        assert link.tail == f", {date}"
    titles = (html / "catalogue" / "t0.js").read_text(encoding="utf-8")
    assert '"volumes/frus/index.html#div2"]' in titles and "div2" in ids

    before = (html / "registers" / "person" / "p2.html").read_bytes()
    again = build([source], out, jobs=0, only=["html"])
    assert again.rendered == 0
    assert (html / "registers" / "person" / "p2.html").read_bytes() == before


def test_a_file_of_many_whose_division_is_gone_is_reported_not_a_crash(tmp_path, monkeypatch):
    """A file of many whose document division cannot be found again when its page is
    made (the file changed after the collection was read) is one located problem of that
    file; the rest of the collection is built."""
    import shutil

    from tei_edition.publish import digest

    source = tmp_path / "collection"
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("broken.xml"))
    monkeypatch.setattr(digest, "division_anchors", lambda root, documents: [None] * len(documents))
    report = build([source], tmp_path / "out", jobs=0, only=["html"])
    assert report.exit_code != 0
    [failed] = [d for d in report.documents if d.problems]
    assert failed.path.name == "frus.xml"
    assert "changed while the build read it" in failed.problems[0], failed.problems
    assert any(d.ok for d in report.documents)


def test_registers_in_a_folder_of_their_own_do_not_move_the_pages(tmp_path):
    """Registers given from an unrelated folder (``build /tmp/x/real40
    .../letters/registers``) made every page ``html/tmp/x/real40/letter.html``, the
    folders' common path. The pages keep their own folder, as when the collection is
    given as one folder: ``html/letters/letter.html``."""
    import shutil

    source = generate(tmp_path / "a" / "src", letters=3)
    registers = tmp_path / "b" / "elsewhere" / "registers"
    shutil.move(str(source / "registers"), registers)
    letters = sorted((source / "letters").glob("*.xml"))
    report = build([source / "letters", registers], tmp_path / "out", jobs=0, only=["html", "text"])
    assert report.exit_code == 0, report.notes
    html = tmp_path / "out" / "html"
    assert sorted(p.name for p in (html / "letters").glob("*.html")) == [f"{p.stem}.html" for p in letters]
    assert not (html / "a").exists() and not (html / "tmp").exists()
    # the other formats beside them
    assert {f"{p.stem}.txt" for p in letters} == {p.name for p in (tmp_path / "out" / "letters").glob("*.txt")}
    names = [p for p in (html / "registers").rglob("*.html") if p.parent.name != "registers"]
    hrefs = {h for p in names for h in etree.parse(str(p)).xpath(
        "//h:section[@class='mentions']//h:a/@href", namespaces=XHTML)}
    assert hrefs and all(h.startswith("../../letters/letter") and (html / "registers" / "x" / h).resolve()
                         .with_suffix(".html").is_file() for h in (h.split("#")[0] for h in hrefs)), hrefs
    page = etree.parse(str(html / "letters" / f"{letters[1].stem}.html"))
    assert page.xpath("//h:link[@rel='stylesheet']/@href", namespaces=XHTML) == ["../assets/edition.css"]


def test_a_file_of_many_rendered_whole_is_a_page_of_the_collection(tmp_path):
    """The whole page of a FRUS-style file is one page of the collection site, as a
    letter's: the collection's header (its home, registers and search), the way to the
    file's contents page, its names linked to the collection's registers; no site of
    its own beside it (its own about page, assets, a search of that file alone). Its
    contents page is headed by the file's title, not its file name."""
    import shutil

    source = tmp_path / "collection"
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("broken.xml"))
    report = build([source], tmp_path / "out", jobs=0, only=["html", "text"])
    assert report.exit_code == 0, report.notes
    html = tmp_path / "out" / "html"
    assert sorted(p.name for p in (html / "volumes" / "frus").iterdir()) == ["index.html"]
    whole = etree.parse(str(html / "volumes" / "frus" / "index.html"))
    assert whole.xpath("//h:header[@class='site-header']//h:p[@class='site-title']/h:a/@href",
                       namespaces=XHTML) == ["../../index.html"]
    # the site's header, as its home page has it (its links from two folders down; the
    # box searches on the site's search page)
    home = etree.parse(str(html / "index.html"))
    links = [(a.get("href"), a.xpath("string()"))
             for a in home.xpath("//h:nav[@class='site-nav']//h:a", namespaces=XHTML)]
    assert [(a.get("href"), a.xpath("string()")) for a in whole.xpath(
        "//h:nav[@class='site-nav']//h:a", namespaces=XHTML)] == [("../../" + h, t) for h, t in links]
    assert [t for _, t in links][:3] == ["Documents", "Registers", "Timeline"]
    # (its search box is the script's, searching where the header's Search link leads:
    # search-box.js; test_collection_site_browser)
    assert not whole.xpath("//h:form[@role='search']", namespaces=XHTML)
    assert whole.xpath("//h:nav[@class='site-nav']//h:a[. = 'Search']/@href", namespaces=XHTML) == ["../../search.html"]
    assert whole.xpath("//h:link[@rel='stylesheet']/@href", namespaces=XHTML) == ["../../assets/edition.css"]
    [contents] = whole.xpath("//h:nav[@class='neighbours']/h:a[@class='contents']", namespaces=XHTML)
    assert contents.get("href") == "../../files/volumes-frus.html"
    assert contents.xpath("string()") == "Contents of A volume of many documents"
    assert (html / "files" / "volumes-frus.html").resolve() == \
        (html / "volumes" / "frus" / contents.get("href")).resolve()
    [beispiel] = whole.xpath("//h:div[@id='te-text']//h:a[contains(@href, 'registers/')][. = 'Beispiel']",
                             namespaces=XHTML)
    assert beispiel.get("href") == "../../registers/person/p2.html"
    assert whole.xpath("//h:p[@class='formats']/h:a/@href", namespaces=XHTML) == ["../../../volumes/frus.txt"]
    assert (tmp_path / "out" / "volumes" / "frus.txt").is_file()
    assert not whole.xpath("//h:section[@class='collection-doc']/h:dl", namespaces=XHTML)  # no facts of its own
    # a letter beside one of its documents in date order links to it there (it linked
    # to volumes/frus/d1.html, a page that is not there)
    neighbours = {}
    for path in html.rglob("*.html"):
        for a in etree.parse(str(path)).xpath("//h:nav[@class='neighbours']/h:a[@class != 'contents']",
                                              namespaces=XHTML):
            neighbours[a.get("href")] = path
    into = {h: p for h, p in neighbours.items() if "volumes/frus/" in h}
    assert into and all(h.split("#")[0].endswith("volumes/frus/index.html") for h in into), into
    for h, p in neighbours.items():
        target = (p.parent / h.split("#")[0]).resolve()
        assert target.is_file(), (p, h)
        if "#" in h:
            assert etree.parse(str(target)).xpath("//*[@id = $a]", a=h.split("#")[1]), (p, h)
    file_page = etree.parse(str(html / "files" / "volumes-frus.html"))
    assert file_page.xpath("string(//h:h1)", namespaces=XHTML) == "A volume of many documents"
    assert file_page.xpath("string(//h:title)", namespaces=XHTML).startswith("A volume of many documents · ")
    assert file_page.xpath("string(//h:main/h:p[1])", namespaces=XHTML) == \
        "3 documents in this file."  # no file name: the title says which


@pytest.mark.slow
def test_a_letter_of_the_register_with_many_entries_is_split_into_small_pages(tmp_path):
    """Every page loads under 300 KB (issue 15), also the index of a letter that most of
    a register's names share: it lists at most a thousand entries a page, in order, and
    each page names the range of every page, as a dictionary's running heads do."""
    source = generate(tmp_path / "src", letters=2)
    persons = "".join(f'<person xml:id="m{n:04d}"><persName>Mueller {n:04d}</persName></person>'
                      for n in range(2100))
    (source / "registers" / "many.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Many</title>'
        '</titleStmt><publicationStmt><p>Test.</p></publicationStmt><sourceDesc><p>Generated.</p>'
        f'</sourceDesc></fileDesc></teiHeader><text><body><listPerson>{persons}</listPerson></body></text></TEI>',
        encoding="utf-8")
    out = tmp_path / "out"
    assert build([source], out, jobs=0, only=["html"], full_registers=True).exit_code == 0
    registers = out / "html" / "registers"
    pages = [registers / name for name in ("person-M.html", "person-M-2.html", "person-M-3.html")]
    assert all(p.is_file() for p in pages) and not (registers / "person-M-4.html").exists()
    listed = [etree.parse(str(p)).xpath("//h:ul[@class='entries']/h:li/h:a/text()", namespaces=XHTML)
              for p in pages]
    assert [len(names) for names in listed[:2]] == [1000, 1000] and 100 <= len(listed[2]) < 1000
    mueller = [n for names in listed for n in names if n.startswith("Mueller")]
    assert mueller == [f"Mueller {n:04d}" for n in range(2100)]
    heads = etree.parse(str(pages[1])).xpath("//h:nav[@class='pager']//h:a", namespaces=XHTML)
    assert [a.get("href") for a in heads] == ["person-M.html", "person-M-2.html", "person-M-3.html"]
    assert heads[1].get("aria-current") == "page"
    assert heads[1].text == f"{listed[1][0]} – {listed[1][-1]}"
    assert "(2 of 3)" in etree.parse(str(pages[1])).xpath("string(//h:h1)", namespaces=XHTML)
    assert max(p.stat().st_size for p in registers.glob("*.html")) < 300_000


def test_the_editors_roles_are_marked_and_a_citation_names_no_path(tmp_path):
    # edition.toml's roles = "swapped" is an editorial decision: said above the catalogue
    # and beside each letter's From/To. Without a base_url a letter is cited by title,
    # collection and its source as the Source line names it: a page's relative path is no citation.
    source = generate(tmp_path / "src", letters=3)
    toml = source / "edition.toml"
    toml.write_text("\n".join(line for line in toml.read_text(encoding="utf-8").splitlines()
                              if not line.startswith("base_url")) +
                    '\n[correspondence]\nroles = "swapped"\n', encoding="utf-8")
    report = build([source], tmp_path / "out", jobs=0, only=["html"])
    assert report.exit_code == 0
    html = tmp_path / "out" / "html"
    home = etree.parse(str(html / "index.html"))
    assert home.xpath("string(//h:section[@class='catalogue']/h:p[@class='roles-note'])",
                      namespaces=XHTML).startswith("Sender and addressee as the editors read them")
    pages = sorted((html / "letters").glob("*.html"))
    assert len(pages) == 3
    for path in pages:
        page = etree.parse(str(path))
        doc = page.xpath("//h:section[@class='collection-doc']", namespaces=XHTML)[0]
        assert doc.xpath("string(h:p[@class='roles-note'])", namespaces=XHTML).startswith(
            "Sender and addressee as the editors read them")
        # the swap: the title's writer is now the addressee
        title = page.xpath("string(//h:title)", namespaces=XHTML)
        writer = title.split(" to ")[0]
        facts = dict(zip((e.xpath("string()") for e in doc.xpath("h:dl/h:dt", namespaces=XHTML)),
                         (e.xpath("string()") for e in doc.xpath("h:dl/h:dd", namespaces=XHTML))))
        assert facts["To"] == writer
        citation = doc.xpath("string(h:p[@class='citation'])", namespaces=XHTML)
        assert ".html" not in citation and "letters/" not in citation
        # named as the Source line names it, archive and shelfmark (was the shelfmark alone)
        assert "In: Letters of a generated collection, ed. by A. Editor, B. Editor. Bern, Archive, Box " in citation
        source_line = page.xpath("string(//h:header[@class='title-block']/h:dl/h:dt[. = 'Source']"
                                 "/following-sibling::h:dd[1])", namespaces=XHTML)
        assert source_line.startswith("Bern, Archive, Box ") and citation.endswith(f" {source_line}.")
        assert not doc.xpath("h:p[@class='citation']/h:span[@class='url']", namespaces=XHTML)


def test_a_title_ending_in_a_full_stop_is_cited_with_one(tmp_path):
    # The real letters' titles end "..., Freitag, s.d.": the page cited them
    # "Alfred Escher an Oswald Heer, s.l., Freitag, s.d.. In: ...", two full stops.
    source = generate(tmp_path / "src", letters=2)
    letter = sorted((source / "letters").glob("*.xml"))[0]
    text = letter.read_text(encoding="utf-8")
    title = re.search(r"<title>([^<]*)</title>", text).group(1)
    letter.write_text(text.replace(f"<title>{title}</title>", f"<title>{title}, s.d.</title>", 1),
                      encoding="utf-8")
    report = build([source], tmp_path / "out", jobs=0, only=["html"])
    assert report.exit_code == 0
    page = etree.parse(str(tmp_path / "out" / "html" / "letters" / (letter.stem + ".html")))
    citation = page.xpath("string(//h:p[@class='citation'])", namespaces=XHTML)
    assert f"{title}, s.d. In: Letters of a generated collection" in citation, citation
    assert ".." not in citation
