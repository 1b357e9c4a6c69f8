"""Files taken over from an earlier build into the one being made: hard links (no
copy; a copy where the file system has none), for ``build`` (a document's outputs, a
site taken over whole) and ``site`` (the collection site's unchanged files).

The names come from the earlier build's record, which is not trusted to name only its
own files: a name is linked only when it is a plain relative path (no empty, ``.`` or
``..`` part), no folder on its way, inside the old folder or the new, is a symbolic link,
and the old file is a file, not a link: a build's outputs never are, so a link found
there was put there by someone else, and following it would publish whatever it points
to (a file outside, readable by the one who builds).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def plain(name) -> bool:
    """Whether ``name`` is a relative path that leads nowhere outside (no empty, ``.``
    or ``..`` part, no control character)."""
    return (isinstance(name, str) and _CONTROL.search(name) is None
            and not any(p in ("", ".", "..") for p in name.split("/")))


class Linker:
    """Links names (relative paths) from folder ``old`` into folder ``new``, each
    folder on the way made (and checked to be no link) once, each folder of ``old``
    listed once (its files known to be files without a system call each: a rebuild
    links thousands of a folder's files)."""

    def __init__(self, old, new):
        self.old, self.new = os.path.normpath(old), str(new)
        self._real: set[str] = set()  # folders under ``new`` made or seen, none a link
        self._old_real: set[str] = {self.old}  # folders under ``old`` seen to be no link
        self._files: dict[str, frozenset[str]] = {}  # folder under ``old`` -> its plain files

    def link(self, name: str) -> bool:
        """``old/name`` linked (or copied) as ``new/name``, replacing what is there;
        False when the name is not plain, a folder on its way is a link, or there is
        no such file in ``old`` (a link there is none)."""
        if not plain(name):
            return False
        source = os.path.join(self.old, name)
        if not self._old_file(source):
            return False
        target = os.path.join(self.new, name)
        if not self._folder(os.path.dirname(target)):
            return False
        try:
            os.link(source, target, follow_symlinks=False)
        except FileNotFoundError:
            return False
        except FileExistsError:  # left by an interrupted build (a link is replaced, not followed)
            if stat.S_ISDIR(os.lstat(target).st_mode):
                return False
            os.unlink(target)
            return self._copy(source, target)
        except OSError:
            return self._copy(source, target)
        return True

    def has(self, name: str) -> bool:
        """Whether ``name`` is a plain file of ``old`` (``link`` would link it), from the
        listing of its folder."""
        return plain(name) and self._old_file(os.path.join(self.old, name))

    def link_all(self, names, stop=None) -> set[str]:
        """Each of ``names`` linked as ``link`` links it, a folder at a time: each link
        made relative to the two folders, held open (a path walked once per folder, not
        once per file: a rebuild links seventeen thousand files, and the file system's
        time for each was half in finding its two folders again); the names linked.
        ``stop``: an event (what has ``is_set``) that, set, ends the linking there (those
        linked so far)."""
        by_folder: dict[str, list[str]] = {}
        for name in names:
            if plain(name):
                folder, _, base = name.rpartition("/")
                by_folder.setdefault(folder, []).append(base)
        linked: set[str] = set()
        for folder, bases in by_folder.items():
            if stop is not None and stop.is_set():
                break
            prefix = f"{folder}/" if folder else ""
            done = self._link_in(folder, bases, stop)
            linked.update(prefix + base for base in done)
            linked.update(prefix + base for base in bases  # (the others, one at a time)
                          if base not in done and not (stop is not None and stop.is_set())
                          and self.link(prefix + base))
        return linked

    def _link_in(self, folder: str, bases: list[str], stop=None) -> set[str]:
        """The files ``bases`` of ``folder`` (a plain name, "" for the top) linked from
        ``old`` into ``new`` by links relative to the two folders, opened once (neither
        a link); those linked (none when a folder is no folder to link from or into).
        A file that is not a plain file of ``old``, or that ``new`` already has, is not."""
        source = os.path.join(self.old, folder) if folder else self.old
        target = os.path.join(self.new, folder) if folder else self.new
        files = self._old_files(source)
        if files is None or not self._folder(target):
            return set()
        opened = []
        try:
            for path in (source, target):
                opened.append(os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW))
        except OSError:
            for fd in opened:
                os.close(fd)
            return set()
        done = set()
        try:
            for number, base in enumerate(bases):
                if stop is not None and not number % 256 and stop.is_set():
                    break
                if base in files:
                    try:
                        os.link(base, base, src_dir_fd=opened[0], dst_dir_fd=opened[1],
                                follow_symlinks=False)
                    except OSError:
                        continue  # (``link`` tries it again: a file there replaced, or copied)
                    done.add(base)
        finally:
            for fd in opened:
                os.close(fd)
        return done

    def _copy(self, source: str, target: str) -> bool:
        """A hard link where it can be made, else a copy."""
        try:
            link_or_copy(source, target)
        except OSError:
            return False
        return True

    def _old_file(self, source: str) -> bool:
        """Whether ``source`` (under ``old``) is a plain file, no folder on its way a link."""
        folder, name = os.path.split(source)
        files = self._old_files(folder)
        return files is not None and name in files

    def _old_files(self, folder: str) -> frozenset[str] | None:
        """The plain files of ``folder`` (under ``old``), listed once; None when it or
        a folder on its way is a link."""
        files = self._files.get(folder)
        if files is None:
            if not self._old_folder(folder):
                return None
            files = self._files[folder] = _plain_files(folder)
        return files

    def _old_folder(self, folder: str) -> bool:
        """Whether ``folder`` (under ``old``) and each folder on its way is no link."""
        checked = []
        while folder not in self._old_real:
            if folder == os.path.dirname(folder):  # (not under ``old``: no plain name)
                return False
            try:
                if not stat.S_ISDIR(os.lstat(folder).st_mode):
                    return False
            except OSError:
                return False
            checked.append(folder)
            folder = os.path.dirname(folder)
        self._old_real.update(checked)
        return True

    def _folder(self, folder: str) -> bool:
        """``folder`` (under ``new``) made, no part of it a symbolic link."""
        if folder in self._real or folder == self.new:
            return True
        if not self._folder(os.path.dirname(folder)):
            return False
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):  # a link, or a file
                return False
        self._real.add(folder)
        return True


def _plain_files(folder: str) -> frozenset[str]:
    """The names of the plain files (no links) in ``folder`` (none: it cannot be read);
    of the listing's own types where the file system gives them."""
    try:
        with os.scandir(folder) as found:
            return frozenset(item.name for item in found if item.is_file(follow_symlinks=False))
    except OSError:
        return frozenset()


def link_or_copy(source: str, target: str) -> None:
    """A hard link of ``source`` as ``target``, else a copy; a symbolic link is taken
    over as the link it is, never followed."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def link_path(source: str, target: str) -> None:
    """A file, or a folder with everything in it, linked from ``source`` as ``target``
    (whatever ``target`` was is replaced); a symbolic link at ``source`` is taken over
    as a link, not followed."""
    try:
        there = os.lstat(target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    else:  # left by an interrupted build
        if stat.S_ISDIR(there.st_mode):
            shutil.rmtree(target)
        else:
            os.unlink(target)
    if stat.S_ISDIR(os.lstat(source).st_mode):
        _link_tree(source, target)
    else:
        link_or_copy(source, target)


def _link_tree(source: str, target: str) -> None:
    """``shutil.copytree`` with hard links, without its per-file overhead (a site page's
    folder: a rebuild links thousands of them); symbolic links are copied as links."""
    os.mkdir(target)
    with os.scandir(source) as found:
        for item in found:
            there = os.path.join(target, item.name)
            if item.is_symlink():
                os.symlink(os.readlink(item.path), there)
            elif item.is_dir():
                _link_tree(item.path, there)
            else:
                link_or_copy(item.path, there)


# Names from which ``Apart`` links in a child process (fewer: here, the child's start
# would cost more than it saves)
APART = 1000
# The child's command: this module imported by itself (its folder on the path first:
# no ``site``, whatever installed the package), its ``_child`` run
_CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); "
          "from tei_edition.publish.links import _child; _child(*sys.argv[2:])")


class Apart:
    """``Linker.link_all`` in a child process of its own when the names are many
    (``APART``): a thread's links wait for the interpreter lock after each
    ``os.link`` while this process's other threads compute (a rebuild's seventeen
    thousand links took a second so, against a quarter of one alone); the child's do
    not. ``stop`` ends the child (no link is made after it); where no child could be
    started, the links are made here."""

    def __init__(self, old, new):
        self.old, self.new = os.path.normpath(old), str(new)
        self._process = None
        self._stopped = False

    def link_all(self, names, stop=None) -> set[str]:
        """The names linked (as ``Linker.link_all`` links them)."""
        names = list(names)
        if len(names) < APART or self._stopped:
            return Linker(self.old, self.new).link_all(names, stop)
        import subprocess

        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        try:
            process = self._process = subprocess.Popen(
                [sys.executable, "-S", "-c", _CHILD, root, self.old, self.new, str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, process_group=0)
        except OSError:
            return Linker(self.old, self.new).link_all(names, stop)
        if self._stopped:  # (stopped as it started)
            self.stop()
        # (a name that holds a line break, not plain, is not linked: given as none)
        given = [os.fsencode(name) if isinstance(name, str) and "\n" not in name else b""
                 for name in names]
        try:
            failed, _ = process.communicate(b"\n".join(given))
        except OSError:
            failed = None
        if process.returncode != 0 or failed is None:
            process.wait()
            if self._stopped or (stop is not None and stop.is_set()):
                return set()
            return Linker(self.old, self.new).link_all(names, stop)  # (its links made again)
        failed = {os.fsdecode(name) for name in failed.split(b"\n")}
        return {name for name, sent in zip(names, given) if sent and name not in failed}

    def stop(self) -> None:
        """The child ended where it is (killed); no child started after."""
        self._stopped = True
        if self._process is not None and self._process.poll() is None:
            try:
                self._process.kill()
            except OSError:
                pass


def _child(old: str, new: str, parent: str) -> None:
    """``Apart``'s child: the names on its input linked from ``old`` into ``new``, those
    it could not link written out, a line each; it ends when its parent does."""
    names = [os.fsdecode(name) for name in sys.stdin.buffer.read().split(b"\n") if name]
    gone = _ParentGone(int(parent))
    done = Linker(old, new).link_all(names, gone)
    if gone.is_set():
        sys.exit(1)
    sys.stdout.buffer.write(b"".join(os.fsencode(name) + b"\n" for name in names
                                     if name not in done))


class _ParentGone:
    """``Linker.link_all``'s ``stop`` in ``Apart``'s child: set once its parent is gone
    (no link after it)."""

    def __init__(self, parent: int):
        self._parent = parent

    def is_set(self) -> bool:
        return os.getppid() != self._parent
