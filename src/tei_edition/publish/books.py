"""The collection's own books in a build: its text file and its volume (``volume.py``).

They are made of every document, so they are one whole for a rebuild: recorded in the
manifest under a key of all they are made of (``key``), taken over when that is the
same (``Books.previous``), else made again. The text is made of the documents' text
files, at the end. The volume is made of the documents' sources, not of anything the
workers write: in a parallel build, when the machine has the memory for it beside the
workers, a process of its own sets it while they render (``_VolumeAside``): setting a
volume is one Typst run after one transformation, and it was the whole build's tail
(200 letters: the documents in 22 s, then the volume alone for 20 s more).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import threading
from pathlib import Path

from tei_edition.publish import links, manifest, pool
from tei_edition.publish.peak import available_memory

# where the volume's own process writes it, inside the build folder under construction
# (moved beside the documents when it is done: nothing half-written among them)
ASIDE = ".tei-edition-volume"


def key(collection, options: str, formats: list[str], books: str, withheld) -> str:
    """What the collection's books are made of: every document's file (in the collection's
    order, the withheld marked), the register files, the collection's own description
    (title, editors, date, introduction, ``edition.toml``), the tool and the options."""
    def digest(path) -> str:
        return collection.hashes.get(os.path.normpath(os.path.abspath(path))) or manifest.file_digest(path)

    described = json.dumps([str(collection.root), collection.title, collection.editors,
                            collection.date, collection.introduction, repr(collection.config)],
                           default=str)
    return manifest.key(manifest.tool_digest(), options, books, *formats, described,
                        *sorted(digest(path) for path in collection.registers),
                        *(f"{d.id}\t{d.fragment or ''}\t{digest(d.path)}\t{d.id in withheld}"
                          for d in collection.ordered()))


class Books:
    """The books a build asks for (``formats``, ``books``: ``build --pdf``), and how they
    are made: taken over, or made (the volume perhaps aside)."""

    def __init__(self, collection, formats: list[str], books: str, *, options: str,
                 withheld=frozenset(), old: Path | None = None, record: manifest.Books | None = None):
        """``record``: the books' record of the previous build, in ``old``."""
        from tei_edition.publish import volume

        self.collection, self.formats, self.books = collection, formats, books
        self.withheld = withheld
        self.asked = volume.books_asked(formats, books)
        self.name = volume.book_name(collection)
        self.key = key(collection, options, formats, books, withheld) if self.asked else ""
        self.previous = _unchanged(record, self.key, self.name, old) \
            if self.asked and old is not None else None
        self.old = old
        self.aside: _VolumeAside | None = None

    def set_volume_aside(self, paths, files, staging: Path, parse_limits, timeout: float) -> bool:
        """The volume set by a process of its own from now on, when it is to be made;
        whether it is."""
        if ".pdf" not in self.asked or self.previous is not None:
            return False
        self.aside = _VolumeAside(paths, files, self.collection.records, parse_limits,
                                  staging / ASIDE / f"{self.name}.pdf", timeout, self.withheld)
        return True

    def kept_apart(self) -> set[str]:
        """What of the folder under construction is the books' (kept by its pruning)."""
        return {ASIDE} if self.aside is not None else set()

    def finish(self, staging: Path, report) -> manifest.Books | None:
        """The books in the new folder: taken over, or made (the volume's process waited
        for); the report told which. Their record, none when one is missing."""
        from tei_edition.publish import volume

        if not self.asked:
            return None
        if self.previous is not None:
            for file in self.previous.files:
                links.link_path(str(self.old / file), str(staging / file))
            report.notes.extend(self.previous.notes)
            report.books_kept = list(self.previous.files)
            return self.previous
        here = [f for f in self.formats if f != "pdf"] if self.aside is not None else self.formats
        written, problems = volume.write_books(self.collection, staging, here, books=self.books,
                                               timeout=report.limits.timeout, withheld=self.withheld)
        if self.aside is not None:
            made, notes = self.aside.result()
            report.usage.total_peak = max(report.usage.total_peak, self.aside.together)
            written += [_moved(Path(p), staging) for p in made]
            problems += notes
        report.notes.extend(problems)
        suffixes = {p.suffix for p in written}
        report.books_missing = [f"{self.name}{s}" for s in self.asked if s not in suffixes]
        report.books_written = sorted(os.path.relpath(p, staging) for p in written)
        return None if report.books_missing else manifest.Books(self.key, report.books_written, problems)

    def stop(self) -> None:
        if self.aside is not None:
            self.aside.stop()


def _unchanged(record: manifest.Books | None, key: str, name: str, old: Path) -> manifest.Books | None:
    """The previous build's books' ``record`` when they were made of the same (``key``)
    and are all there; else None."""
    if record is None or record.key != key or not record.files:
        return None
    ours = re.compile(re.escape(name) + r"(-part[0-9]+)?\.(pdf|txt)")
    if not all(ours.fullmatch(f) and (old / f).is_file() for f in record.files):
        return None  # (a record naming other files, or books gone)
    return record


def _moved(path: Path, staging: Path) -> Path:
    """A book the volume's process wrote aside, moved beside the documents."""
    target = staging / path.name
    os.replace(path, target)
    if not any(path.parent.iterdir()):
        path.parent.rmdir()
    return target


def room_for_volume_aside(workers_memory: int, volume_memory: int) -> bool:
    """Whether the machine has the memory the workers and the volume's Typst run may
    take together (their limits), beside what it uses already."""
    free = available_memory()
    return free is not None and free >= workers_memory + volume_memory


class _VolumeAside:
    """The volume set by a child process of its own (``_set_volume``), into
    ``target``'s folder, while the build goes on; ``result`` waits for it. Meanwhile the
    memory of the whole build (this process and all it started) is measured several
    times a second (``together``: the workers' pool counts only its own)."""

    def __init__(self, paths, files, records: dict, parse_limits, target: Path, timeout: float,
                 withheld) -> None:
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        target.parent.mkdir(exist_ok=True)
        self.process = context.Process(
            target=_set_volume, name="tei-edition volume", daemon=True,
            args=(send, os.getpid(), [str(p) for p in paths], [str(f) for f in files], records,
                  parse_limits, str(target), timeout, withheld))
        self.process.start()
        send.close()
        self.together = 0
        self._done = threading.Event()
        self._measuring = threading.Thread(target=self._measure, name="volume memory", daemon=True)
        self._measuring.start()

    def _measure(self) -> None:
        while not self._done.wait(0.2):
            self.together = max(self.together, pool.tree_rss(os.getpid()))

    def result(self) -> tuple[list[str], list[str]]:
        """The files written, and the problems and warnings (one line each)."""
        try:
            return self._receive.recv()
        except (EOFError, OSError):
            self.process.join()
            code = self.process.exitcode
            how = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
            return [], [f"the process setting the volume ended without it ({how})"]
        finally:
            self.stop()

    def stop(self) -> None:
        """Ended, with what it started (a build interrupted, or done)."""
        self._done.set()
        if self.process.is_alive():
            pool.kill_tree(self.process.pid)
        self.process.join()
        self._receive.close()


def _set_volume(send, parent: int, paths: list[str], files: list[str], records: dict, parse_limits,
                target: str, timeout: float, withheld) -> None:
    """In the volume's own process: the collection read again (its records say what each
    file held: nothing parsed twice), the volume set into ``target``; what came of it
    sent back. Ended with what it started when the build's process is gone; an
    interruption is that process's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pool.guard_child(parent)
    from tei_edition import collection as collection_model
    from tei_edition.errors import TeiEditionError
    from tei_edition.publish import volume
    from tei_edition.xml import parse as xmlparse

    try:
        xmlparse.set_limits(huge=parse_limits.huge, max_bytes=parse_limits.max_bytes,
                            xinclude=parse_limits.xinclude)
        collection = collection_model.load(paths, cache=records, files=[Path(f) for f in files] or None)
        written, notes = volume.write_volume(collection, target, timeout=timeout, withheld=withheld)
        made = [str(p) for p in written]
    except TeiEditionError as exc:
        made, notes = [], [exc.located()]
    except Exception as exc:  # one report, as a worker's internal error is
        made, notes = [], [f"internal error setting the volume: {type(exc).__name__}: {exc}"]
    send.send((made, notes))
    send.close()
