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


def test_never_follows_a_link_in_the_old_folder(tmp_path):
    """A build's outputs are never links: one found in the old folder (a file's, or a
    folder's on the way) is not followed into the new build."""
    old, new = _old(tmp_path), tmp_path / "new"
    secret = tmp_path / "secret"
    (secret / "b").mkdir(parents=True)
    (secret / "b" / "page.html").write_text("private", encoding="utf-8")
    (old / "key.js").symlink_to(secret / "b" / "page.html")
    (old / "linked").symlink_to(secret, target_is_directory=True)
    new.mkdir()
    linker = links.Linker(old, new)
    assert not linker.link("key.js")
    assert not linker.link("linked/b/page.html")
    assert linker.link("a/b/page.html")  # a plain file still is
    assert sorted(os.listdir(new)) == ["a"]


def test_link_path_takes_a_link_over_as_a_link(tmp_path):
    old = _old(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    (old / "out.txt").symlink_to(secret)
    target = tmp_path / "new" / "out.txt"
    links.link_path(str(old / "out.txt"), str(target))
    assert target.is_symlink() and os.readlink(target) == str(secret)
    assert not os.path.samefile(os.path.dirname(secret), target.parent)
    (old / "folder").symlink_to(old / "a", target_is_directory=True)
    links.link_path(str(old / "folder"), str(tmp_path / "new" / "folder"))
    assert (tmp_path / "new" / "folder").is_symlink()  # not walked as a folder


def test_lists_each_old_folder_once_instead_of_each_file(tmp_path, monkeypatch):
    """A rebuild links thousands of a folder's files: the folder is listed once, no file
    looked at by a call of its own."""
    old, new = _old(tmp_path), tmp_path / "new"
    for n in range(40):
        (old / "a" / "b" / f"p{n}.html").write_text(str(n), encoding="utf-8")
    (old / "a" / "b" / "link.html").symlink_to("p1.html")
    new.mkdir()
    listed, looked_at = [], []
    scandir, lstat = os.scandir, os.lstat
    monkeypatch.setattr(os, "scandir", lambda p: listed.append(p) or scandir(p))
    monkeypatch.setattr(os, "lstat", lambda p, **kw: looked_at.append(p) or lstat(p, **kw))
    linker = links.Linker(old, new)
    assert all(linker.link(f"a/b/p{n}.html") for n in range(40))
    assert not linker.link("a/b/link.html") and not linker.link("a/b/gone.html")
    assert listed == [str(old / "a" / "b")]
    assert not [p for p in looked_at if str(p).endswith(".html")]
    assert (new / "a" / "b" / "p39.html").read_text(encoding="utf-8") == "39"


def test_link_all_links_a_folder_at_a_time_as_link_does(tmp_path, monkeypatch):
    """Many names linked relative to their two folders, each opened once; what ``link``
    refuses (names leading outside, links, missing files) is refused too, and a file the
    new folder already has is replaced, never written through."""
    old, new = _old(tmp_path), tmp_path / "new"
    for n in range(30):
        (old / "a" / "b" / f"p{n}.html").write_text(str(n), encoding="utf-8")
    (old / "a" / "b" / "link.html").symlink_to("p1.html")
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    (new / "a" / "b").mkdir(parents=True)
    (new / "a" / "b" / "p3.html").symlink_to(victim)
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **kw: opened.append(str(p)) or real_open(p, *a, **kw))
    names = [f"a/b/p{n}.html" for n in range(30)] + ["top.js", "a/b/link.html", "a/b/gone.html",
                                                      "../top.js", "a/../top.js", "/etc/passwd"]
    linked = links.Linker(old, new).link_all(names)
    assert linked == {f"a/b/p{n}.html" for n in range(30)} | {"top.js"}
    assert opened.count(str(old / "a" / "b")) == 1 and opened.count(str(new / "a" / "b")) == 1
    assert os.path.samefile(new / "a" / "b" / "p29.html", old / "a" / "b" / "p29.html")
    assert not (new / "a" / "b" / "p3.html").is_symlink()
    assert (new / "a" / "b" / "p3.html").read_text(encoding="utf-8") == "3"
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert not (new / "a" / "b" / "link.html").exists() and not (new / "a" / "b" / "gone.html").exists()


def test_link_all_never_links_through_a_linked_folder(tmp_path):
    old, new = _old(tmp_path), tmp_path / "new"
    outside = tmp_path / "outside"
    outside.mkdir()
    new.mkdir()
    (new / "a").symlink_to(outside, target_is_directory=True)
    assert links.Linker(old, new).link_all(["a/b/page.html", "top.js"]) == {"top.js"}
    assert os.listdir(outside) == []
    secret = tmp_path / "secret"
    (secret / "b").mkdir(parents=True)
    (secret / "b" / "page.html").write_text("private", encoding="utf-8")
    (old / "linked").symlink_to(secret, target_is_directory=True)
    assert links.Linker(old, tmp_path / "other").link_all(["linked/b/page.html"]) == set()


def test_has_says_from_the_listing_which_plain_files_there_are(tmp_path, monkeypatch):
    old = _old(tmp_path)
    (old / "a" / "b" / "link.html").symlink_to("page.html")
    listed = []
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: listed.append(p) or scandir(p))
    linker = links.Linker(old, tmp_path / "new")
    assert linker.has("a/b/page.html") and linker.has("top.js")
    assert not linker.has("a/b/link.html") and not linker.has("a/b/gone.html")
    assert not linker.has("../old/top.js") and not linker.has("a/b")
    assert listed.count(str(old / "a" / "b")) == 1
    assert not (tmp_path / "new").exists()  # (nothing made)


def test_apart_links_many_names_in_a_child_as_link_all_does(tmp_path, monkeypatch):
    old, new = _old(tmp_path), tmp_path / "new"
    new.mkdir()
    (old / "a" / "elsewhere.html").symlink_to(old / "top.js")  # never followed
    monkeypatch.setattr(links, "APART", 2)  # (a child for as few as two names)
    started = []
    real_popen = __import__("subprocess").Popen
    monkeypatch.setattr("subprocess.Popen", lambda *a, **k: started.append(a) or real_popen(*a, **k))
    names = ["a/b/page.html", "top.js", "a/elsewhere.html", "a/missing.html", "../top.js",
             "a/b/new\nline.html", "a/b/page.html"]
    assert links.Apart(old, new).link_all(names) == {"a/b/page.html", "top.js"}
    assert started  # (linked by the child)
    assert os.path.samefile(new / "a" / "b" / "page.html", old / "a" / "b" / "page.html")
    assert sorted(os.listdir(new / "a")) == ["b"]


def test_apart_stopped_starts_no_child_and_links_here(tmp_path, monkeypatch):
    old, new = _old(tmp_path), tmp_path / "new"
    new.mkdir()
    monkeypatch.setattr(links, "APART", 1)
    monkeypatch.setattr("subprocess.Popen", None)  # (none started)
    apart = links.Apart(old, new)
    apart.stop()
    assert apart.link_all(["top.js"]) == {"top.js"}
