"""What a build's worker spends per document, by part: ``python -m bench.worker_profile
[N] [--skip S]`` renders N generated letters (default 200 of ``cached_letters(1000)``)
in this process the way a worker does (``build.init_worker`` once, then
``build.render`` per letter, HTML pages of the collection site), and prints CPU ms per
letter inside and outside Saxon, and in the Python parts around it (times inclusive:
a part's figure holds the parts it calls). The first ``S`` letters (default 20) warm
up and are not counted. The worker's start (``init_worker``) is timed on its own.

Nothing is written outside a temporary folder."""

from __future__ import annotations

import functools
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

_cpu: dict[str, float] = defaultdict(float)
_wall: dict[str, float] = defaultdict(float)
_calls: dict[str, int] = defaultdict(int)
_counting = [False]


def _timed(label, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not _counting[0]:
            return function(*args, **kwargs)
        c, w = time.process_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _cpu[label] += time.process_time() - c
            _wall[label] += time.perf_counter() - w
            _calls[label] += 1
    return wrapper


def _patch(module, name, label=None):
    setattr(module, name, _timed(label or f"{module.__name__.rsplit('.', 1)[-1]}.{name}",
                                 getattr(module, name)))


class _Stop(Exception):
    pass


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv and not argv[0].startswith("-") else 200
    skip = int(argv[argv.index("--skip") + 1]) if "--skip" in argv else 20
    from bench.generate import cached_letters
    from tei_edition.publish import build, run, site, transform, search_index
    from tei_edition.entities import resolve as resolve_module
    from tei_edition.collection import registers
    from tei_edition.xml import output

    folder = cached_letters(1000)
    saxon = transform.call_saxon

    def call_saxon(action, context, **kwargs):
        if not _counting[0]:
            return saxon(action, context, **kwargs)
        label = "saxon: hand over (parse_xml)" if context.startswith("cannot hand") else \
            "saxon: transform/template"
        c, w = time.process_time(), time.perf_counter()
        try:
            return saxon(action, context, **kwargs)
        finally:
            _cpu[label] += time.process_time() - c
            _wall[label] += time.perf_counter() - w
            _calls[label] += 1

    transform.call_saxon = call_saxon
    for module, name in ((transform, "to_xdm"), (transform, "_prepared"),
                         (transform, "call_template_strings"), (run, "with_forms"),
                         (run, "handed_bundle"),
                         (run, "resolve"), (site, "digest"), (site, "page_parameters"),
                         (site, "document_postings"), (build, "_check"),
                         (build, "_export_all"), (output, "write_atomic"),
                         (registers.CollectionRegister, "bundle"),
                         (site, "write_facsimiles")):
        _patch(module, name)
    from tei_edition.publish.formats import html
    html.write_atomic = _timed("output.write_atomic", html.write_atomic)
    html.run_format = _timed("run.run_format", html.run_format)
    start = {}

    def run_here(tasks, init_args, finished):
        c, w = time.process_time(), time.perf_counter()
        build.init_worker(*init_args)
        start["cpu"], start["wall"] = time.process_time() - c, time.perf_counter() - w
        chosen = tasks[:count + skip]
        parse = type(chosen[0].document).parse
        type(chosen[0].document).parse = _timed("Document.parse", parse)
        for n, task in enumerate(chosen):
            _counting[0] = n >= skip
            c, w = time.process_time(), time.perf_counter()
            outcome = build.render(task)
            if _counting[0]:
                _cpu["build.render"] += time.process_time() - c
                _wall["build.render"] += time.perf_counter() - w
                _calls["build.render"] += 1
            if not outcome.ok:
                print(outcome, file=sys.stderr)
        _counting[0] = False
        raise _Stop

    build._run_here = run_here
    with tempfile.TemporaryDirectory() as tmp:
        try:
            build.build([str(folder / "letters"), str(folder / "registers")], Path(tmp) / "out",
                        only=["html"], jobs=0, force=True)
        except _Stop:
            pass
    n = _calls["build.render"]
    print(f"worker start (init_worker): {start['cpu'] * 1000:.0f} ms CPU, "
          f"{start['wall'] * 1000:.0f} ms wall")
    print(f"{n} letters; CPU ms per letter (wall), calls per letter")
    for label in sorted(_cpu, key=lambda k: -_cpu[k]):
        print(f"  {label:34} {_cpu[label] / n * 1000:7.2f} ({_wall[label] / n * 1000:6.2f})"
              f"  {_calls[label] / n:5.2f}")
    inside = _cpu["saxon: transform/template"] + _cpu["saxon: hand over (parse_xml)"]
    print(f"  {'render outside Saxon calls':34} {(_cpu['build.render'] - inside) / n * 1000:7.2f}")
    print(f"  {'render outside the transform':34} "
          f"{(_cpu['build.render'] - _cpu['saxon: transform/template']) / n * 1000:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
