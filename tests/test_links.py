"""publish.links: what build and the collection site take over from an earlier build."""

import os

from tei_edition.publish import links


def _old(tmp_path):
    old = tmp_path / "old"
    (old / "a" / "b").mkdir(parents=True)
    (old / "a" / "b" / "page.html").write_text("kept", encoding="utf-8")
    (old / "top.js").write_text("top", encoding="utf-8")
    return old


def test_links_files_making_each_folder(tmp_path):
    old, new = _old(tmp_path), tmp_path / "new"
    new.mkdir()
    linker = links.Linker(old, new)
    assert linker.link("a/b/page.html") and linker.link("top.js")
    assert (new / "a" / "b" / "page.html").read_text(encoding="utf-8") == "kept"
    assert os.path.samefile(new / "top.js", old / "top.js")  # a link, not a copy
    assert not linker.link("a/missing.html")
    assert not (new / "a" / "missing.html").exists()


def test_refuses_names_leading_outside(tmp_path):
    old, new = _old(tmp_path), tmp_path / "new"
    new.mkdir()
    linker = links.Linker(old / "a", new)
    for name in ("../top.js", "b/../../top.js", "/etc/passwd", "", "b//page.html", "./b/page.html",
                 "b/\x00page.html"):
        assert not linker.link(name), name
    assert os.listdir(new) == []


def test_never_links_through_a_linked_folder(tmp_path):
    old, new = _old(tmp_path), tmp_path / "new"
    outside = tmp_path / "outside"
    outside.mkdir()
    new.mkdir()
    (new / "a").symlink_to(outside, target_is_directory=True)
    assert not links.Linker(old, new).link("a/b/page.html")
    assert os.listdir(outside) == []


def test_replaces_a_link_at_the_name_without_writing_through_it(tmp_path):
    old, new = _old(tmp_path), tmp_path / "new"
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    new.mkdir()
    (new / "top.js").symlink_to(victim)
    assert links.Linker(old, new).link("top.js")
    assert not (new / "top.js").is_symlink()
    assert (new / "top.js").read_text(encoding="utf-8") == "top"
    assert victim.read_text(encoding="utf-8") == "untouched"


def test_link_path_links_a_folder_whole(tmp_path):
    old = _old(tmp_path)
    target = tmp_path / "new" / "a"
    (old / "a" / "b" / "image.png").symlink_to("page.html")
    links.link_path(str(old / "a"), str(target))
    assert os.path.samefile(target / "b" / "page.html", old / "a" / "b" / "page.html")
    assert os.readlink(target / "b" / "image.png") == "page.html"
