"""A process's own memory, as Linux's ``/proc/self/status`` gives it.

``getrusage``'s ``ru_maxrss`` is no measure of a child process: Linux keeps it across
``exec``, so a worker started from a build holding 1.7 GB reports 1.7 GB whatever it
used itself. ``VmHWM`` is the peak of this process's own memory since its program
started; elsewhere ``ru_maxrss`` is all there is.
"""

from __future__ import annotations


def status(field: str) -> int | None:
    """A size from ``/proc/self/status`` (``VmHWM``, ``VmData`` ...), in bytes; None
    where it cannot be read."""
    key = field.encode("ascii") + b":"
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def own_peak() -> int:
    """This process's peak resident memory, in bytes (0 when it cannot be read)."""
    found = status("VmHWM")
    if found is not None:
        return found
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def available_memory() -> int | None:
    """The memory the machine can give without swapping (``MemAvailable`` of
    /proc/meminfo), in bytes; None where it cannot be read."""
    try:
        with open("/proc/meminfo", "rb") as handle:
            for line in handle:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None
