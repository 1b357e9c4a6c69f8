"""Incremental builds of a collection site (issue 14): a rebuild after one edit renders
that document and the pages that depend on it, takes the rest over from the previous
build, and is invalidated by what its outputs are made of (a file, a register, the
stylesheets and code, the options). Asserted on what was rendered and on the files
(their inodes: taken over, not written again), never on time."""

from __future__ import annotations

import json
import marshal
import re
import shutil
import sys
from pathlib import Path

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
from search_files import read_part, read_passages  # noqa: E402
from test_collection_site_fixture import generate  # noqa: E402

from tei_edition.collection import load  # noqa: E402
from tei_edition.publish import manifest, search_index, site  # noqa: E402
from tei_edition.publish.build import build  # noqa: E402


def rendered(report) -> set[str]:
    return {d.id for d in report.documents if d.kind == "document" and not d.skipped}


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino
            for p in sorted(folder.rglob("*")) if p.is_file()}


def site_files(out: Path) -> set[str]:
    """The collection site's own files, as the manifest records them."""
    record = manifest.load_site(out)
    assert record is not None
    return set(record.files)


def same_as_a_full_build(source: Path, out: Path, tmp_path: Path, *, same_keys: bool = True,
                         **options) -> None:
    """The incremental build's folder holds what a full build (``force``) writes, file
    by file and byte for byte (what the build keeps for the next one aside; with
    ``same_keys``, its keys and outputs for every document too)."""
    fresh = tmp_path / "fresh"
    build([source], fresh, jobs=0, force=True, **options)
    ours, theirs = inodes(out), inodes(fresh)
    kept_for_next = {manifest.MANIFEST, manifest.SITE_RECORD, manifest.RECORDS,
                     manifest.RECORDS_CHANGED, manifest.SITE_INTAKE}
    assert set(ours) - kept_for_next == set(theirs) - kept_for_next
    different = [f for f in theirs if f not in kept_for_next
                 and (out / f).read_bytes() != (fresh / f).read_bytes()]
    assert different == []
    # what it keeps for the next build is what a full build keeps: the same digests,
    # the same keys and outputs for every document
    assert any(f.startswith(manifest.DIGESTS + "/") for f in ours)
    if same_keys:
        assert manifest.load(out) == manifest.load(fresh)


def neighbours(source: Path, doc_id: str) -> set[str]:
    entry = load([source]).document(doc_id).catalogue
    return {i for i in (entry.prev, entry.next, entry.corresp_prev, entry.corresp_next) if i}


@pytest.fixture
def source(tmp_path) -> Path:
    return generate(tmp_path / "src", letters=8)


def test_a_comment_re_renders_the_letter_alone_and_keeps_the_site(source, tmp_path):
    out = tmp_path / "out"
    first = build([source], out, jobs=0, only=["html"])
    assert first.ok and first.rendered == 8 and first.site_written > 0 and first.site_kept == 0
    before = inodes(out)
    site = site_files(out)
    assert "html/index.html" in site and "html/catalogue.js" in site

    letter = sorted((source / "letters").glob("*.xml"))[0]
    letter.write_text(letter.read_text(encoding="utf-8").replace("</TEI>", "<!-- edited --></TEI>"),
                      encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and rendered(again) == {f"letters/{letter.stem}"}
    assert again.skipped == 7
    # nothing the site shows changed: its files are the old ones, linked over
    assert again.site_written == 0 and again.site_kept == len(site)
    after = inodes(out)
    assert all(after[f] == before[f] for f in site)
    page = f"html/letters/{letter.stem}.html"
    assert after[page] != before[page]
    kept = [f for f in before if f.startswith("html/letters/") and letter.stem not in f]
    assert kept and all(after[f] == before[f] for f in kept)

    nothing = build([source], out, jobs=0, only=["html"])
    assert nothing.rendered == 0 and nothing.site_written == 0
    outputs = [f for f in after if not f.startswith(".")]  # the manifest is new
    assert outputs and {f: inodes(out)[f] for f in outputs} == {f: after[f] for f in outputs}


def test_an_edit_of_the_text_rewrites_the_site_and_only_that_page(source, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    before = inodes(out)
    letter = sorted((source / "letters").glob("*.xml"))[3]
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Dear friend,", "Dearest friend,"), encoding="utf-8")
    made = []  # the index's scripts made (not taken over): (function, first argument)
    script_call = search_index.script_call
    monkeypatch.setattr(search_index, "script_call",
                        lambda function, *args: made.append((function, args[0])) or
                        script_call(function, *args))
    again = build([source], out, jobs=0, only=["html"])
    monkeypatch.undo()
    assert rendered(again) == {f"letters/{letter.stem}"}
    # the search index holds the passage: what of it changed is written again, the
    # rest of the site (its pages, the catalogue, the assets) linked over
    assert again.site_written > 0 and again.site_kept > 0
    assert again.site_written + again.site_kept == len(site_files(out))
    number = [e.id for e in load([source]).catalogue()].index(f"letters/{letter.stem}")
    assert any("Dearest" in text for _, text in read_passages(
        lambda name: (out / "html" / name).read_text(encoding="utf-8"), number))
    after = inodes(out)
    kept = [f for f in before if f.startswith("html/letters/") and letter.stem not in f]
    assert kept and all(after[f] == before[f] for f in kept)
    rewritten = {f for f in site_files(out) if after[f] != before.get(f)}
    assert len(rewritten) == again.site_written
    assert f"html/search/d{number}.js" in rewritten  # the letter's passages
    assert all(f.startswith(("html/search/", "html/registers/")) for f in rewritten), rewritten
    # of the index, the letter's passages and the shards of the terms it changed ("dear"
    # has new postings, "dearest" is new: both in the shards of "de"), no other shard
    shards = {f for f in rewritten if f.startswith("html/search/s-")}
    assert shards and all(search_index.shard_prefix(f).startswith("de") for f in shards), shards
    assert len([f for f in after if f.startswith("html/search/s-")]) > 10 * len(shards)
    # ... and the others not even made again: taken over, as what they are made of is
    assert {prefix[:2] for function, prefix in made if function == "teSearchShard"} == {"de"}
    assert [n for function, n in made if function == "teSearchText"] == [number]
    for unchanged in ("html/index.html", "html/catalogue.js", "html/timeline.html",
                      "html/registers/index.html", "html/assets/site.js"):
        assert after[unchanged] == before[unchanged]
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_an_edit_rewrites_the_parts_of_a_frequent_term_and_keeps_the_others(source, tmp_path, monkeypatch):
    """The parts of a term cut by document range (``search_index.PART_BYTES``, here
    small) are made again with their group of terms, as shards are, and those that
    did not change kept."""
    monkeypatch.setattr(search_index, "PART_BYTES", 40)
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    before = inodes(out)
    parts = {f for f in site_files(out) if f.startswith("html/search/p-")}
    terms = {read_part((out / f).read_text(encoding="utf-8"))[0] for f in parts}
    assert "the" in terms and {t for t in terms if not t.startswith("th")}
    letter = sorted((source / "letters").glob("*.xml"))[3]
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Dear friend,", "Dear friend, the"), encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert rendered(again) == {f"letters/{letter.stem}"}
    after = inodes(out)
    rewritten = {f for f in site_files(out) if after[f] != before.get(f)}
    # a part of "the" (the letter's) written again, the parts of other terms kept
    of_the = {f for f in parts if f"p-{search_index.shard_name('the')}." in f}
    assert {f for f in rewritten if f.startswith("html/search/p-")} < of_the
    assert rewritten & of_the
    assert all(after[f] == before[f] for f in parts - of_the)
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def edit_beside_a_name(source: Path) -> Path:
    """Add a word after the first "Heer" a letter's text names; the letter edited."""
    letter, text, at = next((p, t, t.find("Heer</persName>", t.index("<text")))
                            for p in sorted((source / "letters").glob("*.xml"))
                            for t in [p.read_text(encoding="utf-8")]
                            if "Heer</persName>" in t[t.index("<text"):])
    at += len("Heer</persName>")
    letter.write_text(text[:at] + " unforgettably" + text[at:], encoding="utf-8")
    return letter


def test_an_edit_beside_a_name_rewrites_that_entry_s_page_and_no_other(source, tmp_path):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    before = inodes(out)
    letter = edit_beside_a_name(source)
    again = build([source], out, jobs=0, only=["html"])
    assert rendered(again) == {f"letters/{letter.stem}"}
    after = inodes(out)
    rewritten = {f for f in site_files(out) if after[f] != before.get(f)}
    pages = {f for f in rewritten if f.startswith("html/registers/")}
    # the snippets of the passage's mentions are on their entries' pages, made again
    # (Heer's and the place's beside him), no other page
    assert "html/registers/person/p2.html" in pages and len(pages) <= 3
    assert all("unforgettably" in (out / page).read_text(encoding="utf-8") for page in pages)
    assert after["html/registers/index.html"] == before["html/registers/index.html"]
    assert not [f for f in rewritten if not f.startswith(("html/registers/", "html/search/"))]
    same_as_a_full_build(source, out, tmp_path, only=["html"])


@pytest.mark.parametrize("apart,escaped,ahead", [(site.LINK_APART, True, False), (0, True, False),
                                                (0, False, False), (site.LINK_APART, True, True),
                                                (site.LINK_APART, False, True)],
                         ids=["linked here", "linked by a thread, one not plain", "linked by a thread",
                              "linked ahead, one not plain", "linked ahead"])
def test_a_site_file_gone_or_a_record_gone_wrong_is_made_again(source, tmp_path, monkeypatch,
                                                               apart, escaped, ahead):
    """What the previous build's record says is not trusted beyond its files: a page of
    a kept part that is missing, or a part whose files the record names outside the
    folder, is made again. (The site's files linked over here, or by a thread of their
    own when they are more than ``LINK_APART``, or while the letter renders, ``ahead``.)"""
    from tei_edition.publish import build as build_module

    monkeypatch.setattr(site, "LINK_APART", apart)
    monkeypatch.setattr(build_module, "_LINK_AHEAD", ahead)
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    pages = sorted(f for f in site_files(out) if f.startswith("html/registers/person/") and f.endswith(".html"))
    (out / pages[0]).unlink()
    kind, record = marshal.loads((out / manifest.SITE_RECORD).read_bytes())
    if escaped:
        part = next(p for p, (key, files) in record["parts"].items()
                    if f"html/{files[0]}" == pages[1])
        record["parts"][part][1] = ["../../escaped.html"]
        record["hashes"]["../../escaped.html"] = "0"
    (out / manifest.SITE_RECORD).write_bytes(marshal.dumps((kind, record)))
    letter = sorted((source / "letters").glob("*.xml"))[1]
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Dear friend,", "Dear colleague,"), encoding="utf-8")
    fed, feed = [], site._PartLinks._link_apart
    monkeypatch.setattr(site._PartLinks, "_link_apart", lambda self, names, number:
                        fed.append(names) or feed(self, names, number))
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and again.site_written >= 2
    assert bool(fed) == (apart == 0 and not ahead)
    if fed:  # more than twice LINK_APART: two threads, each half of them
        assert len(fed) == 2 and not set(fed[0]) & set(fed[1]) and abs(len(fed[0]) - len(fed[1])) <= 1
    assert not (tmp_path / "escaped.html").exists()
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_new_date_re_renders_the_letter_and_its_neighbours(source, tmp_path):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    letter = sorted((source / "letters").glob("*.xml"))[2]
    doc_id = f"letters/{letter.stem}"
    old_neighbours = neighbours(source, doc_id)
    text = letter.read_text(encoding="utf-8")
    start = text.index('<date when="') + len('<date when="')
    letter.write_text(text[:start] + "1899-01-01" + text[start + 10:], encoding="utf-8")
    new_neighbours = neighbours(source, doc_id)
    assert old_neighbours != new_neighbours
    again = build([source], out, jobs=0, only=["html"])
    # the letter, the pages that linked to it and those that link to it now
    assert rendered(again) == {doc_id} | old_neighbours | new_neighbours
    assert again.skipped == 8 - len(rendered(again)) > 0
    assert again.site_written > 0
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_changed_register_entry_re_renders_the_letters_that_name_it(source, tmp_path):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    collection = load([source])
    naming = {d.id for d in collection.documents if "p2" in d.register_refs}
    assert 0 < len(naming) < 8
    persons = source / "registers" / "persons.xml"
    text = persons.read_text(encoding="utf-8")
    assert text.count("Oswald Heer") >= 1
    persons.write_text(text.replace("Oswald Heer", "Oswald H. Heer", 1), encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert rendered(again) == naming
    assert again.site_written > 0
    # the entry's pages and those listing it are written again
    after = site_files(out)
    assert any("Oswald H. Heer" in (out / f).read_text(encoding="utf-8")
               for f in after if f.startswith("html/registers/person/"))
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_register_entries_unchanged_are_not_read_again_for_the_site(source, tmp_path,
                                                                    monkeypatch):
    """The site's register pages show each entry's name forms (the common layer's,
    one stylesheet run over the entries) and details: a rebuild reads again only the
    entries that changed, the others are taken from the previous build's record."""
    from tei_edition.publish import site

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    read: list[list[str]] = []
    name_forms = site._name_forms
    monkeypatch.setattr(site, "_name_forms", lambda bundle: read.append(
        [el.get(site.TE_KEY) for el in bundle.getroot()]) or name_forms(bundle))
    letter = sorted((source / "letters").glob("*.xml"))[3]
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Dear friend,", "Dearest friend,"), encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert again.site_written > 0 and read == []
    persons = source / "registers" / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8").replace("Oswald Heer", "Heer, Oswald H.", 1),
                       encoding="utf-8")
    build([source], out, jobs=0, only=["html"])
    p2 = load([source]).register.find("p2")
    assert read == [[load([source]).register.key_of(p2)]]
    same_as_a_full_build(source, out, tmp_path, only=["html"])


@pytest.mark.parametrize("jobs", [0, 1])
def test_see_also_and_name_terms_of_unchanged_entries_are_taken_from_the_record(
        source, tmp_path, monkeypatch, jobs):
    """Each register entry's "See also" and the search terms of its names are kept in
    the site's record with its details: a rebuild makes them again only for the entries
    that changed (in this process, or ahead while the workers render)."""
    out = tmp_path / "out"
    build([source], out, jobs=jobs, only=["html"])
    read: list = []  # entries' ids (See also), and lists of names (search terms)
    see_also, name_terms = site.see_also, site.name_terms
    monkeypatch.setattr(site, "see_also", lambda el: read.append(el.get(
        "{http://www.w3.org/XML/1998/namespace}id")) or see_also(el))
    monkeypatch.setattr(site, "name_terms", lambda names: read.append(list(names)) or name_terms(names))
    _edit(source, 3)
    again = build([source], out, jobs=jobs, only=["html"])
    assert again.ok and again.rendered == 1
    register = load([source]).register
    shown = set(manifest.load_site(out).details)
    names_shown = [register.find(key).names for key in shown]
    assert {"p1", "p2", "pl1"} <= shown
    # (ahead, every entry's are made: those of the entries no document names too)
    def of_shown(r) -> bool:
        return r in shown if isinstance(r, str) else r in names_shown

    assert not [r for r in read if of_shown(r)]
    persons = source / "registers" / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8").replace("Oswald Heer", "Heer, Oswald H.", 1),
                       encoding="utf-8")
    read.clear()
    build([source], out, jobs=jobs, only=["html"])
    names_p2 = load([source]).register.find("p2").names
    assert "p2" in read and names_p2 in read
    assert not [r for r in read if of_shown(r) and r not in ("p2", names_p2)]
    monkeypatch.undo()
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_the_tool_and_the_options_invalidate_everything(source, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    # another site option: every page is kept, the site is written again
    fuller = build([source], out, jobs=0, only=["html"], full_registers=True)
    assert fuller.rendered == 0 and fuller.site_written > 0
    again = build([source], out, jobs=0, only=["html"], full_registers=True)
    assert again.rendered == 0 and again.site_written == 0 and again.site_kept > 0
    # another version of the stylesheets or code: everything again
    monkeypatch.setattr(manifest, "tool_digest", lambda: "another tool")
    changed = build([source], out, jobs=0, only=["html"], full_registers=True)
    assert changed.rendered == 8 and changed.site_written > 0 and changed.site_kept == 0
    # other formats: other outputs
    monkeypatch.undo()
    assert build([source], out, jobs=0, only=["html", "text"]).rendered == 8


def test_the_collection_read_from_its_records_is_the_collection_read_anew(source, monkeypatch):
    """``collection.load``'s cache: unchanged files of one document, and unchanged
    register files, are not parsed, and what the model holds is what a fresh read gives."""
    import json

    from tei_edition.collection import model

    first = load([source])
    records = json.loads(json.dumps(first.records))  # as the build folder keeps them
    letters = sorted((source / "letters").glob("*.xml"))
    registers = {"registers/persons.xml", "registers/places.xml"}
    assert {f"letters/{p.name}" for p in letters} | registers == set(records)
    edited = letters[4]
    edited.write_text(edited.read_text(encoding="utf-8").replace("Dear friend,", "Dear Sir,"),
                      encoding="utf-8")
    parsed = []
    real = model.parse_file
    monkeypatch.setattr(model, "parse_file", lambda path, *a, **k: parsed.append(Path(path).name)
                        or real(path, *a, **k))
    cached = load([source], cache=records)
    assert parsed == [edited.name]
    monkeypatch.undo()
    fresh = load([source])

    def seen(collection):
        return [(d.id, d.catalogue.to_json(), d.register_refs, d.unresolved, d.xml_id)
                for d in collection.ordered()]
    assert seen(cached) == seen(fresh)
    assert cached.register.keys() == fresh.register.keys()
    assert _entries(cached.register) == _entries(fresh.register)
    assert cached.registers == fresh.registers
    assert [p.as_text() for p in cached.problems] == [p.as_text() for p in fresh.problems]
    assert cached.records[f"letters/{edited.name}"]["sha256"] != records[f"letters/{edited.name}"]["sha256"]
    # a record whose hash is not the file's is not used
    stale = dict(records)
    name = f"letters/{letters[0].name}"
    stale[name] = {**records[name], "sha256": "0" * 64}
    parsed.clear()
    monkeypatch.setattr(model, "parse_file", lambda path, *a, **k: parsed.append(Path(path).name)
                        or real(path, *a, **k))
    load([source], cache=stale)
    assert letters[0].name in parsed


def _entries(register) -> list:
    """A register's entries as a document's pages and digests see them."""
    return [(e.id, e.kind, e.names, e.description, e.path, e.line, e.attributes,
             etree.tostring(e.element, method="c14n") if e.element is not None else None,
             register.key_of(e), register.key_value(e)) for e in register]


@pytest.mark.parametrize("damage", ["stale", "unreadable", "another entry", "one more element",
                                    "another id", "not an entry"])
def test_a_register_read_from_a_damaged_record_is_read_anew(source, monkeypatch, damage):
    """A register file's record whose hash is not the file's, or whose entries are not
    what it says (a build folder's file may be damaged), is not used: the file is parsed,
    and the register is what a fresh read gives."""
    import json

    from tei_edition.collection import model

    fresh = load([source])
    records = json.loads(json.dumps(fresh.records))
    record = records["registers/persons.xml"]
    first = record["entries"][0]
    if damage == "stale":
        record["sha256"] = "0" * 64
    elif damage == "unreadable":
        record["entries"] = "persons"
    elif damage == "another entry":
        first[0] = "someone-else"
    elif damage == "one more element":
        first[7] += first[7]
    elif damage == "another id":
        first[7] = first[7].replace(f'xml:id="{first[0]}"', 'xml:id="p-forged"')
    else:
        first[7] = "<note>not an entry</note>"
    parsed = []
    real = model.parse_file
    monkeypatch.setattr(model, "parse_file", lambda path, *a, **k: parsed.append(Path(path).name)
                        or real(path, *a, **k))
    again = load([source], cache=records)
    assert parsed == ["persons.xml"]
    assert _entries(again.register) == _entries(fresh.register)
    assert again.registers == fresh.registers
    assert not again.register.duplicates and not [p for p in again.problems if "twice" in p.message]


def test_a_file_unchanged_on_disk_is_not_hashed_again_and_a_changed_one_is(source, monkeypatch):
    """``collection.load`` takes a file whose size, times and inode are those its record
    saw for unchanged without reading it; any of them different (an edit of the same
    size, its modification time set back), and it is hashed and read again. A file
    changed too recently for its times to be trusted is hashed every time."""
    import json
    import os
    import time

    from tei_edition.collection import model

    letters = sorted((source / "letters").glob("*.xml"))
    just_written = json.loads(json.dumps(load([source]).records))
    assert not any("seen" in record for record in just_written.values())
    later = time.time_ns() + 3600 * 10**9  # an hour on, the files have settled
    monkeypatch.setattr(model, "_now", lambda: later)
    first = load([source], cache=just_written)
    records = json.loads(json.dumps(first.records))
    assert all("seen" in records[f"letters/{p.name}"] for p in letters)
    assert all("seen" in records[f"registers/{name}"] for name in ("persons.xml", "places.xml"))

    hashed = []
    real = model._sha256
    monkeypatch.setattr(model, "_sha256", lambda path: hashed.append(Path(path).name) or real(path))
    edited = letters[2]
    text = edited.read_text(encoding="utf-8")
    same_size = text.replace("Dear friend,", "Dear fiend!,")
    assert same_size != text and len(same_size) == len(text)
    before = edited.stat()
    edited.write_text(same_size, encoding="utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    cached = load([source], cache=records)
    # the edited letter: no other file is read (the registers' records are taken too)
    assert hashed == [edited.name]
    assert cached.records[f"letters/{edited.name}"]["sha256"] != \
        records[f"letters/{edited.name}"]["sha256"]
    monkeypatch.undo()
    fresh = load([source])
    assert cached.hashes == fresh.hashes
    assert [(d.id, d.catalogue.to_json()) for d in cached.ordered()] == \
        [(d.id, d.catalogue.to_json()) for d in fresh.ordered()]




@pytest.mark.parametrize("damage", ["not a list", "too short", "one more", "not numbers",
                                    "another size", "hash not a string"])
def test_a_damaged_record_of_what_a_file_was_seen_as_is_not_trusted(source, monkeypatch, damage):
    """A record whose stat fields (size, times, inode) are damaged, or whose hash is
    not one, is no reason to take the file as unchanged: it is hashed (and read) again,
    and the collection is what a fresh load gives."""
    import json
    import time

    from tei_edition.collection import model

    later = time.time_ns() + 3600 * 10**9  # an hour on, the files have settled
    monkeypatch.setattr(model, "_now", lambda: later)
    records = json.loads(json.dumps(load([source]).records))
    name = sorted(n for n in records if n.startswith("letters/"))[1]
    record = records[name]
    seen = record["seen"]
    record["seen"] = {"not a list": "12 34 56 78", "too short": seen[:3],
                      "one more": seen + [0], "not numbers": [str(v) for v in seen],
                      "another size": [seen[0] + 1, *seen[1:]],
                      "hash not a string": seen}[damage]
    if damage == "hash not a string":
        record["sha256"] = None
    hashed = []
    real = model._sha256
    monkeypatch.setattr(model, "_sha256", lambda path: hashed.append(Path(path).name) or real(path))
    again = load([source], cache=records)
    assert hashed == [name.rsplit("/", 1)[1]]
    assert again.records[name]["seen"] == seen  # what it is seen as now, recorded again
    monkeypatch.undo()
    fresh = load([source])
    assert again.hashes == fresh.hashes
    assert [(d.id, d.catalogue.to_json()) for d in again.ordered()] == \
        [(d.id, d.catalogue.to_json()) for d in fresh.ordered()]


def test_a_build_looks_for_the_collection_s_files_once(source, tmp_path, monkeypatch):
    """A build finds the XML files under its paths once (to check them) and hands them
    to the collection's load, which reads those and no other (``load(files=...)``)."""
    from tei_edition.collection import model
    from tei_edition.xml import parse as xmlparse

    calls = []
    real = xmlparse.collect_xml_files
    counting = lambda paths: calls.append(list(paths)) or real(paths)  # noqa: E731
    monkeypatch.setattr(xmlparse, "collect_xml_files", counting)
    monkeypatch.setattr(model, "collect_xml_files", counting)
    report = build([source], tmp_path / "out", jobs=0, only=["html"])
    assert report.ok and len(calls) == 1
    monkeypatch.undo()
    letters = sorted((source / "letters").glob("*.xml"))
    registers = sorted((source / "registers").glob("*.xml"))
    some = load([source], files=[letters[0], *registers])
    assert [d.id for d in some.ordered()] == [f"letters/{letters[0].stem}"]
    assert some.register.keys() == load([source]).register.keys()

def _resolution(collection):
    """What resolving names gives: each document's keys, unresolved pointers and the
    catalogue's people and places (their keys), in catalogue order."""
    return [(d.id, d.register_refs, d.unresolved, d.catalogue.sender, d.catalogue.addressee,
             d.catalogue.place_sent, d.catalogue.place_received) for d in collection.ordered()]


def _of_documents(records: dict) -> dict:
    """The records of documents' files (not of register files: no names of their own)."""
    return {name: record for name, record in records.items() if "document" in record}


def _counting_decisions(monkeypatch) -> list:
    from tei_edition.collection import model

    decided = []
    real = model.decide_values
    monkeypatch.setattr(model, "decide_values",
                        lambda *a, **k: decided.append(a[:3]) or real(*a, **k))
    return decided


def test_names_resolved_by_the_records_are_taken_only_under_the_same_register(source, monkeypatch):
    """``collection.load`` keeps each document's resolved names in its record with a
    stamp of what they depend on (the files that gave the register its entries, the key
    rules): the same stamp, none is decided again; a changed register or key rule, and
    every document's names are resolved anew, as a fresh load resolves them."""
    import json

    def cached_records():
        return json.loads(json.dumps(load([source]).records))  # as the build folder keeps them

    records = cached_records()
    assert all(r["resolved"]["stamp"] for r in _of_documents(records).values())
    decided = _counting_decisions(monkeypatch)
    again = load([source], cache=records)
    assert decided == []  # nothing resolved again
    assert again.records == records  # (so the build folder's records are linked over)
    monkeypatch.undo()
    assert _resolution(again) == _resolution(load([source]))

    # a register entry's id and key changed: names that found it find nothing now
    persons = source / "registers" / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8")
                       .replace('xml:id="p3"', 'xml:id="p3-renamed"')
                       .replace('n="Heer Oswald"', 'n="Heer O."'), encoding="utf-8")
    fresh = load([source])
    assert _resolution(fresh) != _resolution(again)  # the edit changes what names resolve to
    decided = _counting_decisions(monkeypatch)
    cached = load([source], cache=records)
    assert decided  # resolved anew
    monkeypatch.undo()
    assert _resolution(cached) == _resolution(fresh)
    assert [p.as_text() for p in cached.problems] == [p.as_text() for p in fresh.problems]
    assert cached.records != records  # new resolutions kept for the next load

    # another key rule (edition.toml): resolved anew, as a fresh load does
    records = cached_records()
    toml = source / "edition.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[keys]\nperson = "xml:id"\n',
                    encoding="utf-8")
    fresh = load([source])
    assert _resolution(fresh) != _resolution(cached)
    assert _resolution(load([source], cache=records)) == _resolution(fresh)


def test_a_record_whose_resolution_cannot_be_read_is_resolved_again(source):
    """A record's ``resolved`` of the right stamp but unreadable (its unresolved names
    readable, its people not): the document's names are resolved as a fresh load
    resolves them, nothing of the unreadable record kept beside them."""
    import json

    records = json.loads(json.dumps(load([source]).records))
    for record in _of_documents(records).values():
        record["resolved"]["unresolved"] = [[1, "#nowhere"]]
        record["resolved"]["names"][0] = ["not a name"]
    assert _resolution(load([source], cache=records)) == _resolution(load([source]))


@pytest.mark.parametrize("damage", ["names unreadable", "names of another kind", "keys unreadable"])
def test_a_record_whose_names_cannot_be_read_resolves_as_a_fresh_load(source, damage):
    """A record keeps a document's names packed (one string, read only when they are
    resolved again) and their keys apart (for the key rules). Names that cannot be read
    are read from the file when the register changed; keys that cannot be read, and the
    file is read again. Either way the names resolve as a fresh load resolves them."""
    import json

    records = json.loads(json.dumps(load([source]).records))
    assert all(isinstance(r["document"]["refs"], str) for r in _of_documents(records).values())
    assert any(r["document"]["keys"] for r in _of_documents(records).values())  # key="Heer Oswald"
    for record in _of_documents(records).values():
        if damage == "names unreadable":
            record["document"]["refs"] = record["document"]["refs"][:-7]
        elif damage == "names of another kind":
            record["document"]["refs"] = '[[1, 2, 3, "four"]]'
        else:
            record["document"]["keys"] = [["person", 3]]
        record["resolved"]["stamp"] = "another register"  # (so that they are resolved again)
    assert _resolution(load([source], cache=records)) == _resolution(load([source]))
    assert [p.as_text() for p in load([source], cache=records).problems] == \
        [p.as_text() for p in load([source]).problems]


def test_names_resolved_by_the_records_follow_a_letter_that_gives_the_register_entries(
        source, monkeypatch):
    """A letter's own list of persons is part of the register: when it changes, the
    other letters' names are resolved anew against it too."""
    import json

    letter = sorted((source / "letters").glob("*.xml"))[3]
    text = letter.read_text(encoding="utf-8")
    own = ('<standOff><listPerson><person xml:id="p9"><persName>Nine Person</persName>'
           '</person></listPerson></standOff></TEI>')
    letter.write_text(text.replace("</TEI>", own), encoding="utf-8")
    other = sorted((source / "letters").glob("*.xml"))[5]
    other.write_text(other.read_text(encoding="utf-8").replace(
        "Dear friend,", f'Dear <persName ref="{letter.name}#p9">Nine</persName>,'), encoding="utf-8")
    records = json.loads(json.dumps(load([source]).records))
    rel = f"letters/{other.name}"
    assert any(k.endswith("p9") for k in records[rel]["resolved"]["keys"])
    letter.write_text(text, encoding="utf-8")  # its list gone: the name finds nothing
    fresh = load([source])
    cached = load([source], cache=records)
    assert _resolution(cached) == _resolution(fresh)
    assert not any(k.endswith("p9") for k in cached.document(f"letters/{other.stem}").register_refs)

def test_a_rebuild_of_one_letter_takes_one_worker(source, tmp_path):
    """One or two documents to render: one worker renders them (a second would start
    and compile the stylesheets for nothing), within the same limits, and the folder is
    what a full build writes."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    letter = sorted((source / "letters").glob("*.xml"))[6]
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Dear friend,", "My dear friend,"), encoding="utf-8")
    again = build([source], out, jobs=2, only=["html"])
    assert again.ok and rendered(again) == {f"letters/{letter.stem}"}
    assert again.usage.workers_started == 1 and again.usage.worker_peak > 0
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_an_unchanged_site_whose_record_names_files_outside_is_made_again(source, tmp_path):
    """A site taken over whole links only files inside the build folder: a record that
    names one outside (its key unchanged) is not trusted, and the file is left alone."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    outside = tmp_path / "outside.html"
    outside.write_text("not the tool's", encoding="utf-8")
    kind, record = marshal.loads((out / manifest.SITE_RECORD).read_bytes())
    files = list(record["files"])
    record["files"].append("../outside.html")
    (out / manifest.SITE_RECORD).write_bytes(marshal.dumps((kind, record)))
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and again.site_kept == len(files)  # its own files, linked part by part
    assert manifest.load_site(out).files == files
    assert outside.read_text(encoding="utf-8") == "not the tool's"
    same_as_a_full_build(source, out, tmp_path, only=["html"])


@pytest.mark.parametrize("spoil", [None, "damaged", "of another site", "gone"])
def test_the_site_record_is_kept_beside_the_manifest_and_linked_over_with_the_site(
        source, tmp_path, spoil):
    """The site's record is a file of its own (``manifest.SITE_RECORD``), which the
    manifest names by the site's key: a site taken over whole links it over; one damaged,
    of another site or gone, and the site is made again, as a full build makes it."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    record = out / manifest.SITE_RECORD
    files = manifest.load_site(out).files
    if spoil == "damaged":
        record.write_bytes(record.read_bytes()[:-100])
    elif spoil == "of another site":
        kind, data = marshal.loads(record.read_bytes())
        record.write_bytes(marshal.dumps((kind, {**data, "key": "another"})))
    elif spoil == "gone":
        record.unlink()
    before = record.stat().st_ino if spoil is None else None
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and not rendered(again)
    if spoil is None:
        assert again.site_kept == len(files) and not again.site_written
        assert record.stat().st_ino == before  # (linked over, not written again)
    else:
        assert manifest.load_site(out).files == files
        assert again.site_written
    same_as_a_full_build(source, out, tmp_path, only=["html"])
    assert manifest.load_site(out) == manifest.load_site(tmp_path / "fresh")


@pytest.mark.parametrize("named", ["../outside.html", "html/index.html"])
def test_a_document_whose_record_names_files_not_its_own_is_rendered_again(source, tmp_path, named):
    """A document's outputs are taken over only when its record names its own files: one
    naming a file outside the build folder, or the site's home page (linked by the
    document while the site is written), is not trusted; the file outside is left
    alone, and the build is what a full build writes."""
    import json

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    outside = tmp_path / "outside.html"
    outside.write_text("not the tool's", encoding="utf-8")
    record = json.loads((out / manifest.MANIFEST).read_text(encoding="utf-8"))
    doc_id = f"letters/{sorted((source / 'letters').glob('*.xml'))[0].stem}"
    record["documents"][doc_id]["outputs"]["html"].append(named)
    (out / manifest.MANIFEST).write_text(json.dumps(record), encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and rendered(again) == {doc_id}
    assert outside.read_text(encoding="utf-8") == "not the tool's"
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_page_s_facsimiles_are_recorded_with_it_and_taken_over(source, tmp_path):
    """A page is one file (html/letters/<id>.html); its local facsimiles, in a folder
    named after it, are among its recorded outputs: a rebuild links them over with the
    page, and a build after their page's letter is gone leaves neither behind."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    doc_id = "letters/letter_11_001"
    image = f"html/{doc_id}/facsimile/001-letter-1.png"
    assert manifest.load(out)[doc_id].outputs["html"] == [f"html/{doc_id}.html", image]
    before = inodes(out)
    other = sorted((source / "letters").glob("*.xml"))[5]
    other.write_text(other.read_text(encoding="utf-8").replace("</TEI>", "<!-- x --></TEI>"),
                     encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert doc_id not in rendered(again)
    after = inodes(out)
    assert after[image] == before[image] and after[f"html/{doc_id}.html"] == before[f"html/{doc_id}.html"]
    same_as_a_full_build(source, out, tmp_path, only=["html"])
    (source / "letters" / "letter_11_001.xml").unlink()
    assert build([source], out, jobs=0, only=["html"]).ok
    assert not (out / "html" / doc_id).exists() and not (out / "html" / f"{doc_id}.html").exists()


def test_a_new_collection_title_re_renders_the_pages_that_show_it(source, tmp_path):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    toml = source / "edition.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "Letters of a generated collection", "Letters, a new title"), encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert len(rendered(again)) == 8
    page = next((out / "html" / "letters").glob("*.html")).read_text(encoding="utf-8")
    assert "Letters, a new title" in page and "generated collection" not in page
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_build_leaves_the_garbage_collector_as_it_found_it(source, tmp_path, monkeypatch):
    """The cyclic collector is off while a build runs (it walked every record and
    digest again and again), and as it was afterwards."""
    import gc

    from tei_edition.publish import build as build_module

    seen = []
    write_site = build_module._write_site
    monkeypatch.setattr(build_module, "_write_site",
                        lambda *a, **k: seen.append(gc.isenabled()) or write_site(*a, **k))
    try:
        assert gc.isenabled()
        build([source], tmp_path / "out", jobs=0, only=["html"])
        assert gc.isenabled() and seen == [False]
        gc.disable()
        build([source], tmp_path / "out", jobs=0, only=["html"])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_build_keeps_nothing_made_of_its_collection_once_done(source, tmp_path, monkeypatch):
    """What the site made of the collection (its register's entries, pages ...) is
    dropped when the build ends, however it ends: the collection is freed then, not
    at the interpreter's exit."""
    import weakref

    from tei_edition.publish import build as build_module

    made = []
    write_site = build_module._write_site
    monkeypatch.setattr(build_module, "_write_site", lambda collection, *a, **k: made.append(
        weakref.ref(collection)) or write_site(collection, *a, **k))
    assert build([source], tmp_path / "out", jobs=1, only=["html"]).ok
    assert made and site._MADE == {} and made[0]() is None
    monkeypatch.setattr(build_module.collection_books.Books, "finish", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build([source], tmp_path / "out", jobs=1, only=["html"], force=True)
    assert site._MADE == {}


def test_unchanged_collection_records_are_linked_over_and_changed_ones_written(source, tmp_path):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    records = out / manifest.RECORDS
    first = records.stat().st_ino
    build([source], out, jobs=0, only=["html"])
    assert records.stat().st_ino == first  # the same records: the file taken over
    letter = sorted((source / "letters").glob("*.xml"))[2]
    letter.write_text(letter.read_text(encoding="utf-8").replace("Dear friend,", "Dear Sir,"),
                      encoding="utf-8")
    build([source], out, jobs=0, only=["html"])
    # the letter's record changed: written beside the whole file, which is linked over
    assert records.stat().st_ino == first
    assert (out / manifest.RECORDS_CHANGED).is_file()
    rel = f"letters/{letter.name}"
    assert manifest.load_records(out)[rel]["sha256"] == load([source]).hashes[str(letter.resolve())]


def _unseen(records: dict) -> dict:
    """Records without what was seen of each file's times and the register's digest of
    the names it resolved (which a build adds)."""
    def plain(record):
        found = {k: v for k, v in record.items() if k != "seen"}
        if isinstance(found.get("resolved"), dict):
            found["resolved"] = {k: v for k, v in found["resolved"].items() if k != "register"}
        return found
    return {name: plain(record) for name, record in records.items()}


def test_changed_records_are_kept_apart_until_they_are_many(source, tmp_path, monkeypatch):
    """A rebuild writes the records that changed beside the previous whole file (linked
    over), the changes since then accumulating, until they are more than
    ``RECORDS_APART``: then all are written whole again. Read back, they are the
    records of the collection as it is; a changes file of another whole file is not read."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    records = out / manifest.RECORDS
    first = records.stat().st_ino
    letters = sorted((source / "letters").glob("*.xml"))
    monkeypatch.setattr(manifest, "RECORDS_APART", 2)
    for n, letter in enumerate(letters[:3]):
        letter.write_text(letter.read_text(encoding="utf-8").replace("Dear friend,", "Dear Sir,"),
                          encoding="utf-8")
        assert build([source], out, jobs=0, only=["html"]).ok
        assert _unseen(manifest.load_records(out)) == \
            _unseen(marshal.loads(marshal.dumps(load([source]).records)))
        if n < 2:  # one, then two changed since the whole file
            assert records.stat().st_ino == first
            changed = marshal.loads((out / manifest.RECORDS_CHANGED).read_bytes())["files"]
            assert set(changed) == {f"letters/{p.name}" for p in letters[:n + 1]}
        else:  # three: all written whole, nothing apart
            assert records.stat().st_ino != first
            assert not (out / manifest.RECORDS_CHANGED).exists()
    # a changes file kept for another whole file: the whole file's records alone
    letters[3].write_text(letters[3].read_text(encoding="utf-8").replace("Dear friend,", "Dear Sir,"),
                          encoding="utf-8")
    build([source], out, jobs=0, only=["html"])
    stale = marshal.loads((out / manifest.RECORDS_CHANGED).read_bytes())
    stale["of"] = "another"
    (out / manifest.RECORDS_CHANGED).write_bytes(marshal.dumps(stale))
    whole = marshal.loads(records.read_bytes())["files"]
    assert manifest.load_records(out) == whole
    assert build([source], out, jobs=0, only=["html"]).ok  # (the letter's record made again)
    assert _unseen(manifest.load_records(out)) == \
        _unseen(marshal.loads(marshal.dumps(load([source]).records)))


def test_an_interrupted_build_resumed_keeps_the_records_of_what_it_read(source, tmp_path):
    """The collection's records are written while the workers render: a build stopped
    after that and resumed keeps the records of the collection it read (names resolved
    against its register), not the interrupted run's nor the previous build's."""
    import marshal

    from tei_edition.publish.build import Progress

    class StopAfterOne(Progress):
        def done(self, outcome) -> None:
            if not outcome.skipped:
                raise KeyboardInterrupt

    out = tmp_path / "out"
    build([source], out, jobs=2, only=["html"])
    persons = source / "registers" / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8").replace('n="Heer Oswald"', 'n="Heer O."'),
                       encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build([source], out, jobs=2, only=["html"], progress=StopAfterOne())
    letter = sorted((source / "letters").glob("*.xml"))[1]
    letter.write_text(letter.read_text(encoding="utf-8").replace("Dear friend,", "Dear Sir,"),
                      encoding="utf-8")
    resumed = build([source], out, jobs=2, only=["html"])
    assert resumed.ok

    def unseen(records):
        return {name: {k: v for k, v in record.items() if k != "seen"}
                for name, record in records.items()}
    kept = unseen(manifest.load_records(out))
    # (beside the names, the build keeps the register's digest of them: this register's)
    register = load([source]).register
    for record in _of_documents(kept).values():
        resolved = record["resolved"]
        if resolved["keys"]:
            assert resolved.pop("register") == register.digest(resolved["keys"])
    assert kept == unseen(marshal.loads(marshal.dumps(load([source]).records)))
    assert kept[f"letters/{letter.name}"]["sha256"] == manifest.file_digest(letter)
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_documents_register_digest_is_kept_in_its_record(source, tmp_path, monkeypatch):
    """What a document's outputs depend on in the register (``register.digest`` of the
    entries it names) is kept in its record beside its resolved names: a rebuild under
    the same register digests no document's entries again; a changed entry changes the
    register's stamp, and the documents naming it are made again, as a full build
    makes them."""
    from tei_edition.collection.registers import CollectionRegister

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    records = _of_documents(manifest.load_records(out))
    named = [r["resolved"]["keys"] for r in records.values() if len(r["resolved"]["keys"]) > 1]
    assert named and all(isinstance(r["resolved"].get("register"), str)
                         for r in records.values() if r["resolved"]["keys"])
    asked: list[list[str]] = []
    digest = CollectionRegister.digest
    monkeypatch.setattr(CollectionRegister, "digest",
                        lambda self, keys: asked.append(sorted(set(keys))) or digest(self, keys))
    again = build([source], out, jobs=0, only=["html"])
    assert again.rendered == 0 and asked  # (the site's key digests the whole register)
    assert not any(keys in asked for keys in named)
    monkeypatch.undo()

    persons = source / "registers" / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8").replace("Oswald Heer", "Heer, Oswald H.", 1),
                       encoding="utf-8")
    p2 = load([source]).register.find("p2")
    key = load([source]).register.key_of(p2)
    changed = build([source], out, jobs=0, only=["html"])
    assert rendered(changed) == {d.id for d in load([source]).documents if key in d.register_refs}
    assert rendered(changed)
    records = _of_documents(manifest.load_records(out))
    assert all(isinstance(r["resolved"].get("register"), str)
               for r in records.values() if r["resolved"]["keys"])
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def folders(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_dir()}


def test_a_rebuild_leaves_no_page_the_site_no_longer_has(source, tmp_path):
    """A rebuild takes over what it keeps of the previous site: the pages of entries
    no document names any more are not among them, nor the folders they leave empty,
    as a full build never made them; the files kept are the previous build's."""
    import re

    toml = source / "edition.toml"  # (the key rules decided: not by the names found)
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[keys]\nperson = "n"\nplace = "n"\n',
                    encoding="utf-8")
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    places = {f for f in site_files(out) if f.startswith("html/registers/place/")}
    persons = {f for f in site_files(out) if f.startswith("html/registers/person/")}
    assert places and persons and "html/registers/place" in folders(out)
    before = inodes(out)
    for letter in (source / "letters").glob("*.xml"):  # no letter names a place any more
        text = letter.read_text(encoding="utf-8")
        letter.write_text(re.sub(r"<placeName\b[^>]*>(.*?)</placeName>", r"\1", text), encoding="utf-8")
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and again.site_kept > 0
    assert not any(f.startswith("html/registers/place/") for f in site_files(out))
    assert not places & set(inodes(out)) and "html/registers/place" not in folders(out)
    after = inodes(out)
    assert after["html/assets/site.css"] == before["html/assets/site.css"]  # (linked, not written)
    assert persons <= set(after)
    same_as_a_full_build(source, out, tmp_path, only=["html"])
    assert folders(out) == folders(tmp_path / "fresh")


def test_a_register_digest_gone_wrong_in_a_record_never_makes_a_wrong_page(source, tmp_path):
    """The register's digest a record keeps only names what a document's outputs were
    made of: one that is not a digest is made again; one that is another digest makes
    the document's key another, and the document is rendered again, from the register
    itself, as a full build renders it."""
    import marshal

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    data = marshal.loads((out / manifest.RECORDS).read_bytes())
    named = sorted(name for name, r in _of_documents(data["files"]).items() if r["resolved"]["keys"])
    wrong, unreadable = named[0], named[1]
    data["files"][wrong]["resolved"]["register"] = "0" * 64
    data["files"][unreadable]["resolved"]["register"] = 12345
    (out / manifest.RECORDS).write_bytes(marshal.dumps(data))
    again = build([source], out, jobs=0, only=["html"])
    assert rendered(again) == {f"letters/{Path(wrong).stem}"}
    records = manifest.load_records(out)
    register = load([source]).register
    assert records[unreadable]["resolved"]["register"] == \
        register.digest(records[unreadable]["resolved"]["keys"])
    # (the other digest stays the key's part, until the register changes: the pages are
    # a full build's, the key of that document is not)
    same_as_a_full_build(source, out, tmp_path, same_keys=False, only=["html"])


def _digests_read(monkeypatch) -> list[str]:
    """The names of the site digests a build decodes (``build._digests``), as it reads them."""
    import tei_edition.publish.build as build_module

    read: list[str] = []
    real = build_module._digests
    monkeypatch.setattr(build_module, "_digests",
                        lambda data, name=None: read.append(name) or real(data, name))
    return read


def _edit(source: Path, n: int, old: str = "Dear friend,", new: str = "Dearest friend,") -> None:
    letter = sorted((source / "letters").glob("*.xml"))[n]
    letter.write_text(letter.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_rebuild_takes_the_unchanged_digests_from_the_kept_intake(source, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    kept_first = (out / manifest.SITE_INTAKE).stat().st_ino
    _edit(source, 3)
    read = _digests_read(monkeypatch)
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and again.rendered == 1
    # only the new digest of the letter edited is decoded; the seven others are taken
    # in from what the previous build kept
    assert len(read) == 1 and read[0] == manifest.load(out)[f"letters/{sorted((source / 'letters').glob('*.xml'))[3].stem}"].digest
    monkeypatch.undo()
    same_as_a_full_build(source, out, tmp_path, only=["html"])
    # that rebuild linked the kept intake over (one digest apart from it): the next
    # reads the digest of the letter edited before too, and writes the intake anew once
    # more than ``KEPT_APART`` are apart
    assert (out / manifest.SITE_INTAKE).stat().st_ino == kept_first
    _edit(source, 5)
    read = _digests_read(monkeypatch)
    monkeypatch.setattr(site, "KEPT_APART", 1)
    build([source], out, jobs=0, only=["html"])
    assert len(read) == 2
    assert (out / manifest.SITE_INTAKE).stat().st_ino != kept_first
    _edit(source, 6)
    read.clear()
    build([source], out, jobs=0, only=["html"])
    assert len(read) == 1
    monkeypatch.undo()
    shutil.rmtree(tmp_path / "fresh")
    same_as_a_full_build(source, out, tmp_path, only=["html"])


@pytest.mark.parametrize("spoil", ["missing", "corrupt", "truncated", "stale", "other version"])
def test_a_kept_intake_missing_stale_or_unreadable_means_every_digest_is_read(
        source, tmp_path, monkeypatch, spoil):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    kept = out / manifest.SITE_INTAKE
    data = kept.read_bytes()
    if spoil == "missing":
        kept.unlink()
    elif spoil == "corrupt":
        kept.write_bytes(b"\x00garbage" * 100)
    elif spoil == "truncated":
        kept.write_bytes(data[:len(data) // 2])
    elif spoil == "other version":
        head = marshal.loads(data)  # (the head record: the tables after it as they are)
        kept.write_bytes(marshal.dumps(("tei-edition site intake 0",) + head[1:])
                         + data[len(marshal.dumps(head)):])
    else:  # what another collection's build kept (other documents in the catalogue)
        other = generate(tmp_path / "other", letters=6)
        build([other], tmp_path / "other-out", jobs=0, only=["html"])
        kept.write_bytes((tmp_path / "other-out" / manifest.SITE_INTAKE).read_bytes())
    _edit(source, 3)
    read = _digests_read(monkeypatch)
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and again.rendered == 1
    assert len(read) == 8  # the seven taken over and the new one: the site's whole path
    monkeypatch.undo()
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_kept_intake_is_not_taken_for_another_catalogue(source, tmp_path, monkeypatch):
    """A letter added or removed renumbers the catalogue: nothing kept is taken in, and
    the site is the one a full build makes."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    letters = sorted((source / "letters").glob("*.xml"))
    (source / "letters" / "letter_99_009.xml").write_text(
        letters[2].read_text(encoding="utf-8").replace("L003", "L009"), encoding="utf-8")
    build([source], out, jobs=0, only=["html"])
    same_as_a_full_build(source, out, tmp_path, same_keys=False, only=["html"])
    letters[4].unlink()
    read = _digests_read(monkeypatch)
    build([source], out, jobs=0, only=["html"])
    # (the intake kept is for the catalogue before: every digest is read, not only those
    # of the letter removed's neighbours)
    assert len(read) == len(list((source / "letters").glob("*.xml"))), read
    monkeypatch.undo()
    shutil.rmtree(tmp_path / "fresh")
    same_as_a_full_build(source, out, tmp_path, same_keys=False, only=["html"])


def test_mentions_added_and_removed_and_a_new_correspondent_make_a_full_build_s_site(
        source, tmp_path):
    """Each rebuild after a mention added, a mention removed (the letter's digest taken
    out of what the kept intake gave) and a correspondent changed gives the site a full
    build gives, and the entries' pages show the change."""
    import re

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    letters = sorted((source / "letters").glob("*.xml"))

    def page(key: str) -> str:
        return (out / "html" / "registers" / "person" / f"{key}.html").read_text(encoding="utf-8")

    def rebuilt(letter: Path) -> None:
        again = build([source], out, jobs=0, only=["html"])
        assert again.ok and rendered(again) >= {f"letters/{letter.stem}"}
        same_as_a_full_build(source, out, tmp_path, only=["html"])
        shutil.rmtree(tmp_path / "fresh")

    # (a) a mention of p5 added where no letter names p5 in its text
    adding = letters[1]
    assert f"letters/{adding.stem}" not in page("p5")
    _edit(source, 1, "Dear friend,", 'Dear <persName ref="#p5">friend</persName>,')
    rebuilt(adding)
    assert f"{adding.stem}" in page("p5")
    # (b) every mention of Heer (p2) in one letter's text removed
    removing = next(p for p in letters if '>Heer</persName>' in p.read_text(encoding="utf-8"))
    assert removing.stem in page("p2")
    text = removing.read_text(encoding="utf-8")
    removing.write_text(re.sub(r'<persName (?:ref|key)="[^"]*">Heer</persName>', "Heer", text),
                        encoding="utf-8")
    rebuilt(removing)
    # (c) the addressee of a letter changed: its catalogue line and both correspondents' pages
    changing = letters[4]
    text = changing.read_text(encoding="utf-8")
    received = re.search(r'<correspAction type="received"><persName ref="#(p\d)">([^<]*)</persName>', text)
    sender = re.search(r'<correspAction type="sent"><persName ref="#(p\d)">', text).group(1)
    other = next(p for p in ("p1", "p2", "p3", "p4", "p5") if p not in (received.group(1), sender))
    changing.write_text(text.replace(received.group(0), received.group(0).replace(
        f'ref="#{received.group(1)}">{received.group(2)}<', f'ref="#{other}">Someone else<')),
        encoding="utf-8")
    rebuilt(changing)


def test_an_older_kept_intake_gives_only_the_digests_that_are_still_the_same(source, tmp_path,
                                                                            monkeypatch):
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    older = (out / manifest.SITE_INTAKE).read_bytes()
    _edit(source, 3)
    build([source], out, jobs=0, only=["html"])
    (out / manifest.SITE_INTAKE).unlink()
    (out / manifest.SITE_INTAKE).write_bytes(older)  # kept before the letter was edited
    _edit(source, 5)
    read = _digests_read(monkeypatch)
    build([source], out, jobs=0, only=["html"])
    # the edited letter's digest as the older intake has it is not this build's: read,
    # with the new one of the letter edited now
    assert len(read) == 2
    monkeypatch.undo()
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def _descriptions(monkeypatch) -> list:
    """The entries each call of the site's description described (None: every one)."""
    calls = []
    site_data = site._site_data

    def spy(*args, only=None, **kwargs):
        made = site_data(*args, only=only, **kwargs)
        calls.append(None if only is None else
                     [el.get("key") for el in made.iter(f"{{{site.SITE_NS}}}entity")])
        return made
    monkeypatch.setattr(site, "_site_data", spy)
    return calls


@pytest.mark.parametrize("kept", ["as made", "damaged", "gone"])
def test_a_rebuild_describes_only_the_entries_whose_pages_are_made_again(
        source, tmp_path, monkeypatch, kept):
    """A rebuild whose site description is made of what the previous one's was (the
    catalogue, the register, every entry's count of mentions and the documents that name
    it) takes its keys over from the build folder and describes only the entries whose
    pages it makes again (and the first with a place, for the pages' Map link); one whose
    kept description is damaged or gone describes every entry. The site is a full build's."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    described = (out / manifest.SITE_DESCRIBED).stat().st_ino
    nothing = build([source], out, jobs=0, only=["html"])  # (the site taken over whole: it too)
    assert nothing.site_kept and not nothing.site_written
    assert (out / manifest.SITE_DESCRIBED).stat().st_ino == described
    if kept == "damaged":
        (out / manifest.SITE_DESCRIBED).write_bytes(b"\x00not a description")
    elif kept == "gone":
        (out / manifest.SITE_DESCRIBED).unlink()
    letter = edit_beside_a_name(source)
    calls = _descriptions(monkeypatch)
    again = build([source], out, jobs=0, only=["html"])
    monkeypatch.undo()
    assert again.ok and rendered(again) == {f"letters/{letter.stem}"}
    if kept == "as made":
        # Heer's page (p2) and the place's beside him made again: those described, and
        # no more than one other (the first entry with a place)
        assert len(calls) == 1 and calls[0] is not None
        assert "p2" in calls[0] and len(calls[0]) <= 4
        assert "unforgettably" in (out / "html/registers/person/p2.html").read_text(encoding="utf-8")
    else:
        assert calls == [None]
    same_as_a_full_build(source, out, tmp_path, only=["html"])
    # (what it keeps for the next build is a full build's too)
    assert (out / manifest.SITE_DESCRIBED).read_bytes() == \
        (tmp_path / "fresh" / manifest.SITE_DESCRIBED).read_bytes()


@pytest.mark.parametrize("kept", ["as made", "damaged", "truncated", "of another shape",
                                  "of another description", "gone"])
def test_a_rebuild_takes_the_search_entities_over_when_the_description_is_the_same(
        source, tmp_path, monkeypatch, kept):
    """The search index's entities (each register entry's row, documents and terms) are
    kept in the build folder under what the site's description is made of: a rebuild
    whose edit changes no entry's mentions takes them over (linked, not made again); a
    kept file damaged, of another shape, made of another description or gone, and they
    are made again. The site, and what is kept, are a full build's."""
    from tei_edition.publish.search_index import SearchIndex

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    kept_file = out / manifest.SITE_ENTITIES
    head = marshal.dumps((site._ENTITIES, "x"), 2)
    if kept == "damaged":
        kept_file.write_bytes(b"\x00not entities")
    elif kept == "truncated":
        kept_file.write_bytes(kept_file.read_bytes()[:-200])
    elif kept == "of another shape":
        made_of = marshal.loads(kept_file.read_bytes())[1]
        kept_file.write_bytes(marshal.dumps((site._ENTITIES, made_of), 2)
                              + marshal.dumps(([["a", "b", "c"]], [[0]], {"t": [5]}), 2))
    elif kept == "of another description":
        data = kept_file.read_bytes()
        first = marshal.loads(data)
        rest = data[len(marshal.dumps(first, 2)):]
        kept_file.write_bytes(head + rest)
    elif kept == "gone":
        kept_file.unlink()
    letter = edit_beside_a_name(source)
    made = []
    real = SearchIndex.add_entities
    monkeypatch.setattr(SearchIndex, "add_entities",
                        lambda self, *a, **k: made.append(1) or real(self, *a, **k))
    again = build([source], out, jobs=0, only=["html"])
    monkeypatch.undo()
    assert again.ok and rendered(again) == {f"letters/{letter.stem}"}
    assert made == ([] if kept == "as made" else [1])
    same_as_a_full_build(source, out, tmp_path, only=["html"])
    assert (out / manifest.SITE_ENTITIES).read_bytes() == \
        (tmp_path / "fresh" / manifest.SITE_ENTITIES).read_bytes()


def test_a_new_mention_describes_every_entry_again(source, tmp_path, monkeypatch):
    """A mention added changes an entry's count: the site's description is made whole
    again, and the site is a full build's."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    _edit(source, 1, "Dear friend,", 'Dear <persName ref="#p5">friend</persName>,')
    calls = _descriptions(monkeypatch)
    again = build([source], out, jobs=0, only=["html"])
    monkeypatch.undo()
    assert again.ok and calls == [None]
    same_as_a_full_build(source, out, tmp_path, only=["html"])


@pytest.mark.parametrize("gone", [None, "first", "last"])
def test_a_site_taken_over_whole_is_linked_by_two_threads(source, tmp_path, monkeypatch, gone):
    """A site taken over whole has its files linked over, half of them by a thread of
    their own when they are many (here, from two); one of them gone from the previous
    build (in either half) and the site is made again, as a full build makes it, with
    nothing of the halves left over."""
    from tei_edition.publish import build as build_module

    monkeypatch.setattr(build_module, "_LINK_SPLIT", 2)
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    files = manifest.load_site(out).files
    before = inodes(out)
    if gone:
        (out / files[0 if gone == "first" else -1]).unlink()
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok
    after = inodes(out)
    if gone is None:
        assert again.site_kept == len(files) and not again.site_written
        assert all(after[f] == before[f] for f in files)
    else:
        assert again.site_written >= 1
        same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_rebuild_counts_the_search_files_it_kept_in_the_index_size(source, tmp_path, monkeypatch):
    """The index's size a rebuild reports is that of its folder: the files it made and
    those it linked over from the previous build."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    letter = sorted((source / "letters").glob("*.xml"))[3]
    letter.write_text(letter.read_text(encoding="utf-8").replace("Dear friend,", "Dearest friend,"),
                      encoding="utf-8")
    figures = []
    write = site.write_collection_site
    monkeypatch.setattr(site, "write_collection_site",
                        lambda *a, **k: figures.append(write(*a, **k)) or figures[-1])
    again = build([source], out, jobs=0, only=["html"])
    assert again.site_kept > 0 and len(figures) == 1
    search = out / "html" / "search"
    assert figures[0]["index_bytes"] == sum(p.stat().st_size for p in search.rglob("*") if p.is_file())


def _edit_one(source: Path, number: int = 6) -> Path:
    letter = sorted((source / "letters").glob("*.xml"))[number]
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Dear friend,", "My dear friend,"), encoding="utf-8")
    return letter


def test_a_rebuild_of_one_letter_has_its_worker_make_the_site_s_pages(source, tmp_path, monkeypatch):
    """The worker that rendered the letter is kept for the site's few pages that change:
    this process compiles no site stylesheet (nor starts a second worker), and the
    folder is what a full build writes."""
    from tei_edition.publish import pool, transform

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    letter = _edit_one(source)
    compiled = []
    real = transform.compiled
    monkeypatch.setattr(transform, "compiled", lambda name, *a, **kw: compiled.append(name) or real(name, *a, **kw))
    again = build([source], out, jobs=2, only=["html"])
    assert again.ok and rendered(again) == {f"letters/{letter.stem}"}
    assert again.site_written > 0 and site.STYLESHEET not in compiled
    assert again.usage.workers_started == 1 and pool._kept == []
    monkeypatch.undo()
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_the_site_s_pages_are_made_here_when_the_kept_worker_is_gone(source, tmp_path, monkeypatch):
    from tei_edition.publish import build as building, pool

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    _edit_one(source)
    real = building._pages_by_worker
    killed = []

    def gone(*args):
        for worker in pool._kept:
            worker.kill()
            killed.append(worker)
        return real(*args)

    monkeypatch.setattr(building, "_pages_by_worker", gone)
    again = build([source], out, jobs=2, only=["html"])
    assert killed and again.ok and again.site_written > 0 and pool._kept == []
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_a_rebuild_with_nothing_to_render_has_the_site_linked_ahead(source, tmp_path, monkeypatch):
    """The previous site's files are linked into the new folder from the start (while
    the build works out what to render), even when nothing is: the site taken over whole
    then has none left to link, and every file is the previous one."""
    from tei_edition.publish import build as build_module

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    files, before = manifest.load_site(out).files, inodes(out)
    asked = []
    real = build_module._link_over
    monkeypatch.setattr(build_module, "_link_over",
                        lambda old, staging, names: asked.append(list(names)) or real(old, staging, names))
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok and again.rendered == 0 and again.site_kept == len(files)
    assert asked == [[]]
    after = inodes(out)
    assert all(after[name] == before[name] for name in before if name.startswith("html/"))


@pytest.mark.parametrize("stop_in", ["_take_over", "_write_site"])
def test_a_rebuild_stopped_after_linking_ahead_leaves_the_old_site_and_resumes(
        source, tmp_path, monkeypatch, stop_in):
    """Ctrl-C while the previous site's files are being linked ahead (or once they are):
    the previous complete output is untouched, and the next run finishes a folder that is
    what a full build writes."""
    from tei_edition.publish import build as build_module

    out = tmp_path / "out"
    build([source], out, jobs=0, only=["html"])
    before = {name: (out / name).read_bytes() for name in inodes(out)}
    _edit_one(source)

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, stop_in, stop)
    with pytest.raises(KeyboardInterrupt):
        build([source], out, jobs=0, only=["html"])
    assert {name: (out / name).read_bytes() for name in inodes(out)} == before
    monkeypatch.undo()
    again = build([source], out, jobs=0, only=["html"])
    assert again.ok
    same_as_a_full_build(source, out, tmp_path, only=["html"])


def test_the_collections_books_are_taken_over_unchanged_and_made_again_when_a_letter_changes(
        source, tmp_path):
    """The collection's text and volume are made of every document: a rebuild with
    nothing changed links them over (setting a volume of 200 letters again took Typst
    20 s), one after an edit makes them again, with the edit in them."""
    out = tmp_path / "out"
    options = {"jobs": 0, "only": ["text", "pdf"], "books": "volume"}
    first = build([source], out, **options)
    assert first.ok and first.books_written == ["src.pdf", "src.txt"] and first.books_kept == []
    assert manifest.load_books(out).files == ["src.pdf", "src.txt"]
    before = inodes(out)

    again = build([source], out, **options)
    assert again.rendered == 0 and again.books_written == [] and again.books_kept == ["src.pdf", "src.txt"]
    after = inodes(out)
    assert after["src.pdf"] == before["src.pdf"] and after["src.txt"] == before["src.txt"]

    letter = sorted((source / "letters").glob("*.xml"))[3]
    letter.write_text(letter.read_text(encoding="utf-8").replace("Dear friend,", "Most honoured friend,"),
                      encoding="utf-8")
    edited = build([source], out, **options)
    assert edited.rendered == 1 and edited.books_written == ["src.pdf", "src.txt"]
    assert inodes(out)["src.pdf"] != before["src.pdf"]
    assert "Most honoured friend," in (out / "src.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["register", "order", "record"])
def test_the_books_are_made_again_when_what_they_are_made_of_changes(source, tmp_path, change):
    """A register (the volume's index describes its entries), the collection's order
    (edition.toml), or a record naming other files than the books: made again."""
    out = tmp_path / "out"
    build([source], out, jobs=0, only=["text"])
    if change == "register":
        persons = source / "registers" / "persons.xml"
        persons.write_text(persons.read_text(encoding="utf-8").replace("</listPerson>", "<!-- -->\n</listPerson>"),
                           encoding="utf-8")
    elif change == "order":
        first = sorted((source / "letters").glob("*.xml"))[-1].stem
        with open(source / "edition.toml", "a", encoding="utf-8") as toml:
            toml.write(f'order = ["letters/{first}"]\n')
    else:
        data = json.loads((out / manifest.MANIFEST).read_text(encoding="utf-8"))
        data["books"]["files"] = ["../elsewhere.txt"]
        (out / manifest.MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    again = build([source], out, jobs=0, only=["text"])
    assert again.books_written == ["src.txt"] and again.books_kept == []
    assert not (tmp_path / "elsewhere.txt").exists()


def test_a_withheld_document_is_left_out_of_the_books(source, tmp_path):
    """--strict withholds a document with errors from publication: from the collection's
    text and volume too (the text printed it as "could not be written", the volume in full)."""
    letter = sorted((source / "letters").glob("*.xml"))[2]
    text = letter.read_text(encoding="utf-8")
    when = re.search(r'<date when="([0-9-]+)"', text).group(1)
    letter.write_text(text.replace(f'when="{when}"', f'when="{when[:4]}-02-30"', 1), encoding="utf-8")
    coll = load([source])
    [bad] = [d for d in coll.documents if Path(d.path) == letter]
    title = bad.catalogue.title
    report = build([source], tmp_path / "out", jobs=0, only=["text"], strict=True)
    assert report.exit_code == 1 and report.books_written == ["src.txt"]
    book = (tmp_path / "out" / "src.txt").read_text(encoding="utf-8")
    assert title not in book and "could not be written" not in book
    assert book.count("\n-----") == 7  # the other seven, each headed and underlined

    from tei_edition.publish import volume
    assert [d.id for d in volume.plan(coll, withheld={bad.id})[0].documents] == \
        [d.id for d in coll.ordered() if d.id != bad.id]
