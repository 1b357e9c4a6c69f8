"""What a build's worker spends per document, by part: ``python -m bench.worker_profile
[N] [--skip S]`` renders N generated letters (default 200 of ``cached_letters(1000)``)
in this process the way a worker does (``build.init_worker`` once, then
``build.render`` per letter, HTML pages of the collection site), and prints CPU ms per
letter inside and outside Saxon, and in the Python parts around it (times inclusive:
a part's figure holds the parts it calls). The first ``S`` letters (default 20) warm
up and are not counted. The worker's start (``init_worker``) is timed on its own.

Nothing is written outside a temporary folder."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.clock import Clock

clock = Clock(inclusive=True)
clock.counting = False


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
        with clock.timing("saxon: hand over (parse_xml)" if context.startswith("cannot hand")
                          else "saxon: transform/template"):
            return saxon(action, context, **kwargs)

    transform.call_saxon = call_saxon
    for module, name in ((transform, "to_xdm"), (transform, "_prepared"),
                         (transform, "call_template_strings"), (run, "with_forms"),
                         (run, "handed_bundle"),
                         (run, "resolve"), (site, "digest"), (site, "page_parameters"),
                         (site, "document_postings"), (build, "_check"),
                         (build, "_export_all"), (output, "write_atomic"),
                         (registers.CollectionRegister, "bundle"),
                         (site, "write_facsimiles")):
        clock.wrap(module, name)
    from tei_edition.publish.formats import html
    clock.wrap(html, "write_atomic", "output.write_atomic")
    clock.wrap(html, "run_format", "run.run_format")

    start = Clock()  # (the worker's start, on its own: the parts' clock is not counting yet)

    def run_here(tasks, init_args, finished):
        with start.timing("init_worker"):
            build.init_worker(*init_args)
        chosen = tasks[:count + skip]
        clock.wrap(type(chosen[0].document), "parse", "Document.parse")
        for n, task in enumerate(chosen):
            clock.counting = n >= skip
            with clock.timing("build.render"):
                outcome = build.render(task)
            if not outcome.ok:
                print(outcome, file=sys.stderr)
        clock.counting = False
        raise _Stop

    build._run_here = run_here
    with tempfile.TemporaryDirectory() as tmp:
        try:
            build.build([str(folder / "letters"), str(folder / "registers")], Path(tmp) / "out",
                        only=["html"], jobs=0, force=True)
        except _Stop:
            pass
    cpu, wall, calls = clock.cpu, clock.wall, clock.calls
    n = calls["build.render"]
    print(f"worker start (init_worker): {start.cpu['init_worker'] * 1000:.0f} ms CPU, "
          f"{start.wall['init_worker'] * 1000:.0f} ms wall")
    print(f"{n} letters; CPU ms per letter (wall), calls per letter")
    for label in sorted(cpu, key=lambda k: -cpu[k]):
        print(f"  {label:34} {cpu[label] / n * 1000:7.2f} ({wall[label] / n * 1000:6.2f})"
              f"  {calls[label] / n:5.2f}")
    inside = cpu["saxon: transform/template"] + cpu["saxon: hand over (parse_xml)"]
    print(f"  {'render outside Saxon calls':34} {(cpu['build.render'] - inside) / n * 1000:7.2f}")
    print(f"  {'render outside the transform':34} "
          f"{(cpu['build.render'] - cpu['saxon: transform/template']) / n * 1000:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
