"""Starting a worker process (``publish.pool``'s) with nothing but ``os`` imported.

A command line starts its worker before it imports anything else (``cli.early``):
subprocess, tempfile and multiprocessing would cost the parent 50 ms before the worker
could begin to boot. ``start`` makes the worker's private temporary folder, its two
pipes, and the process (``os.posix_spawn``: its own process group, stdin from
/dev/null, only the two pipe ends inherited); ``pool`` wraps what it returns.
"""

from __future__ import annotations

import os
import sys

TMP_PREFIX = "tei-edition-worker-"
# The worker's command: its module imported once, not as ``__main__`` as well (``-m``).
BOOT = "import sys; from tei_edition.publish.pool import _main; _main(*sys.argv[1:])"


class Started:
    """A worker process: ``pid``, its folder ``tmp``, the pipe ends ``to_child`` and
    ``from_child`` (file descriptors); ``poll`` and ``wait`` as ``subprocess.Popen``'s."""

    def __init__(self, pid: int, tmp: str, to_child: int, from_child: int):
        self.pid, self.tmp, self.to_child, self.from_child = pid, tmp, to_child, from_child
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0  # reaped elsewhere: gone in any case
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None:
            while self.returncode is None:
                try:
                    _, status = os.waitpid(self.pid, 0)
                    self.returncode = os.waitstatus_to_exitcode(status)
                except ChildProcessError:
                    self.returncode = 0
                except InterruptedError:
                    pass
            return self.returncode
        import time

        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() >= deadline:
                import subprocess

                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.002)
        return self.returncode


def start(preload: tuple[str, ...] = ()) -> Started:
    """A new worker process; ``preload``: what it imports before its first message."""
    tmp = _private_folder()
    from_parent, to_child = os.pipe()
    from_child, to_parent = os.pipe()
    try:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
        env["TMPDIR"] = tmp
        for fd in (from_parent, to_parent):
            os.set_inheritable(fd, True)
        pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-c", BOOT, str(from_parent), str(to_parent), str(os.getpid()),
             *preload],
            env, file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)],
            setpgroup=0)
    except BaseException:
        for fd in (to_child, from_child):
            os.close(fd)
        _remove(tmp)
        raise
    finally:
        os.close(from_parent)
        os.close(to_parent)
    return Started(pid, tmp, to_child, from_child)


def _private_folder() -> str:
    """A new folder only we can enter, where ``tempfile.mkdtemp`` would make it."""
    bases = [os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")]
    for base in [b for b in bases if b] + ["/tmp", "/var/tmp", "/usr/tmp", os.getcwd()]:
        for _ in range(10):
            path = os.path.join(base, TMP_PREFIX + os.urandom(6).hex())
            try:
                os.mkdir(path, 0o700)
                return os.path.abspath(path)
            except FileExistsError:
                continue
            except OSError:
                break
    import tempfile  # none of those would do: let tempfile say why

    return tempfile.mkdtemp(prefix=TMP_PREFIX)


def _remove(tmp: str) -> None:
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------- the spare worker

_spare: Started | None = None


def prestart(preload: tuple[str, ...] = ()) -> None:
    """Start the spare worker that the next ``pool.run`` takes as its first."""
    global _spare
    if _spare is None:
        _spare = start(preload)


def take_spare() -> Started | None:
    global _spare
    spare, _spare = _spare, None
    return spare


def discard_spare() -> None:
    """End the spare worker if no ``pool.run`` took it: told to stop (its first message
    is the end of its input) and, if still busy booting, killed with its process group
    (what it started for its preloading); its folder removed."""
    spare = take_spare()
    if spare is None:
        return
    os.close(spare.to_child)
    os.close(spare.from_child)
    try:
        spare.wait(0.05)
    except Exception:  # subprocess.TimeoutExpired
        try:
            os.killpg(spare.pid, 9)  # SIGKILL
        except OSError:
            pass
        spare.wait()
    _remove(spare.tmp)
