"""A process's own peak memory.

``getrusage``'s ``ru_maxrss`` is no measure of a child process: Linux keeps it across
``exec``, so a worker started from a build holding 1.7 GB reports 1.7 GB whatever it
used itself. ``VmHWM`` (``/proc/self/status``) is the peak of this process's own
memory since its program started; elsewhere ``ru_maxrss`` is all there is.
"""

from __future__ import annotations


def own_peak() -> int:
    """This process's peak resident memory, in bytes (0 when it cannot be read)."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
