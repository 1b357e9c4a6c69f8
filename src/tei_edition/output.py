"""Atomic output: write to a temporary sibling, then rename into place.

An interrupted or failed export never leaves a half-written file or folder behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tei_edition.errors import InputError


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    _ensure_parent(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
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
    _ensure_parent(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()


def safe_child(folder: Path, name: str) -> Path:
    """A path inside ``folder`` for a name that may come from document data."""
    candidate = (folder / name).resolve()
    if folder.resolve() not in candidate.parents:
        raise InputError(f"refusing to write outside the output folder: {name!r}")
    return candidate


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
