"""Atomic output: write to a temporary sibling, then rename into place.

An interrupted or failed export never leaves a half-written file or folder behind.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tei_edition.errors import InputError


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    special = _special(target)
    if special == "dir":
        raise InputError("is a folder; name a file to write", path=str(target))
    if special:  # a device or a pipe (-o /dev/stdout): write into it, never replace it
        try:
            with open(target, "wb") as handle:
                handle.write(payload)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", path=str(target)) from None
        return target
    _ensure_parent(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would make outputs private
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(Path(tmp))
        raise
    return target


@contextmanager
def atomic_directory(path: str | os.PathLike):
    """Yield a temporary folder; on success it replaces ``path`` as a whole."""
    target = Path(path)
    _check_replaceable(target)
    _ensure_parent(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (staging / MARKER).write_text("made by tei-edition; replaced as a whole on the next run\n",
                                  encoding="utf-8")
    _check_replaceable(target)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()


# Written into every folder ``atomic_directory`` makes: only such a folder (or an empty
# one) is ever replaced, so ``-o .`` or ``-o ~`` cannot wipe the user's files.
MARKER = ".tei-edition-output"


def same_file(target: str | os.PathLike, source: str | os.PathLike) -> bool:
    """Whether ``target`` is the file ``source`` (a link to it, or it by another way):
    a target not there yet is none (two ``stat`` calls, not a walk of both paths)."""
    try:
        return os.path.samefile(target, source)
    except OSError:
        return False


def _check_replaceable(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError("exists and is not a folder; name a new or empty folder for the output",
                         path=str(target))
    if target.is_dir() and not (target / MARKER).is_file() and any(target.iterdir()):
        raise InputError("the output folder exists, is not empty and was not made by "
                         "tei-edition; refusing to replace it (remove it or name another)",
                         path=str(target))


def safe_child(folder: Path, name: str) -> Path:
    """A path inside ``folder`` for a name that may come from document data.

    Refused: names that lead outside (``..``, absolute paths, links pointing out),
    NUL and other control characters, and parts too long for a file system.
    ``SafeFolder`` does the same for many names in one folder, cheaper."""
    return SafeFolder(folder).child(name)


class SafeFolder:
    """``safe_child`` for many names in one folder (a site of thousands of files): the
    folder is resolved once; a plain relative name (no ``.``, ``..`` or empty parts)
    costs an ``lstat`` of the file and one of each folder on its way, the first time
    that folder is seen, instead of resolving the whole path twice. A link on the way,
    or any other name, is resolved and checked in full, as ``safe_child`` always did."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.root = self.folder.resolve()
        self._real: set[str] = set()  # folders under root seen to be real folders, not links

    def child(self, name: str) -> Path:
        text = str(name)
        if not text or any(ord(c) < 32 or c == "\x7f" for c in text):
            raise InputError(f"refusing an empty file name or one with control characters: {text!r}")
        parts = text.split("/")
        if any(len(part.encode("utf-8", "surrogateescape")) > 255 for part in parts):
            raise InputError(f"refusing a file name longer than 255 bytes: {text[:40]!r}...")
        if not any(part in ("", ".", "..") for part in parts) and self._plain(parts):
            return self.root.joinpath(*parts)
        candidate = (self.folder / text).resolve()
        if self.root not in candidate.parents:
            raise InputError(f"refusing to write outside the output folder: {text!r}")
        return candidate

    def _plain(self, parts: list[str]) -> bool:
        """No link among the folders on the way nor at the name itself (what does not
        exist yet is no link)."""
        path = str(self.root)
        for part in parts[:-1]:
            path = f"{path}/{part}"
            if path in self._real:
                continue
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                return True  # the rest is made afresh below a real folder
            if not stat.S_ISDIR(mode):
                return False
            self._real.add(path)
        try:
            return not stat.S_ISLNK(os.lstat(f"{path}/{parts[-1]}").st_mode)
        except FileNotFoundError:
            return True


def _special(target: Path) -> str | None:
    """"dir", "device" (a character or block device, pipe or socket), or None for a
    regular file (or a link to one) and for a path that does not exist yet."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode):
        return "dir"
    return None if stat.S_ISREG(mode) else "device"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _ensure_parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create folder: {exc.strerror}", path=str(target.parent)) from None


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
