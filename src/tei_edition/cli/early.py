"""The command's worker process, started before the command line imports click.

Every command that does work runs it in a worker process (``base.bounded``, ``build``'s
and ``export``'s pools). Started only when the work is handed over, that worker's
Python boots and imports lxml or Saxon after this process has imported click and read
its options: the two start-ups add up. ``start`` reads the command's name from the raw
arguments and starts the worker at once (``workerstart.prestart``), naming the modules it will
need, so that it imports them while this process reads its options; the first worker
the command asks for is that one. ``discard`` ends it if the command did not take it
(a usage error, ``--help``). Nothing but ``os`` is imported for it.
"""

from __future__ import annotations

import os

# What a command's worker imports while the options are read: "module", or
# "module:function" to call (the Schematron worker boots while the document is read).
_VALIDATE = ("tei_edition.validation.validate",)
_PRELOAD: dict[tuple[str, ...], tuple[str, ...]] = {
    ("validate",): _VALIDATE,
    ("query",): ("tei_edition.query",),
    ("entities", "list"): ("tei_edition.entities.mentions",),
    ("entities", "show"): ("tei_edition.entities.mentions",),
    ("entities", "cooccur"): ("tei_edition.entities.cooccur",),
    ("entities", "check"): ("tei_edition.entities.check",),
    ("export", "text"): ("tei_edition.publish.export", "tei_edition.cli.jobs:compile_stylesheets text"),
    ("export", "html"): ("tei_edition.publish.export", "tei_edition.cli.jobs:compile_stylesheets html"),
    ("export", "pdf"): ("tei_edition.publish.export", "tei_edition.cli.jobs:compile_stylesheets pdf"),
    ("build",): ("tei_edition.publish.build",),  # and the stylesheets of its formats (below)
}
_NO_WORK = {"-h", "--help", "--version"}
_ROOT_VALUED = {"--max-bytes"}  # root options that take a value (the others are flags)


def preload_for(argv: list[str]) -> tuple[str, ...] | None:
    """What the worker of the command in ``argv`` preloads; None: the command does no
    work in a worker (``doctor``, ``--help``, an unknown name)."""
    if _NO_WORK.intersection(argv):
        return None
    words: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg.startswith("-"):
            if not words:
                skip = arg in _ROOT_VALUED
        else:
            words.append(arg)
            if len(words) == 2:
                break
    found = _PRELOAD.get(tuple(words[:1])) or _PRELOAD.get(tuple(words[:2]))
    options = {a.split("=", 1)[0] for a in argv}
    if found is _VALIDATE and ("--schema" not in options or "--schematron" in options):
        # our rules or the document's own: the Schematron worker will be needed
        found = (*found, "tei_edition.validation.schematron:prepare")
    elif words[:1] == ["build"]:
        only = [value for option, value in zip(argv, argv[1:]) if option == "--only"]
        only += [a.split("=", 1)[1] for a in argv if a.startswith("--only=")]
        found = (*found, " ".join(["tei_edition.cli.jobs:compile_stylesheets", *only]))
        if (not only or "html" in " ".join(only).replace(",", " ").split()) and _rebuild(argv):
            # (after the formats': the site's pages come after the documents)
            found = (*found, "tei_edition.cli.jobs:compile_site_stylesheet")
    return found


# ``build``'s output folder when none is named and its manifest (``publish.build.DEFAULT_OUT``,
# ``publish.manifest.MANIFEST``: named again here, which imports nothing but ``os``)
_BUILD_OUT = "build"
_MANIFEST = ".tei-edition-manifest.json"


def _rebuild(argv: list[str]) -> bool:
    """Whether a ``build`` goes over a finished build (its output folder has a manifest,
    ``publish.manifest.MANIFEST``; no ``--force``): then few documents may change, whose
    site pages its first worker makes. A first build's worker would compile the site
    stylesheet for nothing (child processes make a whole site's pages)."""
    if "--force" in argv:
        return False
    out = _BUILD_OUT
    for option, value in zip(argv, argv[1:]):
        if option in ("-o", "--output"):
            out = value
    out = next((a.split("=", 1)[1] for a in argv if a.startswith("--output=")), out)
    return os.path.isfile(os.path.join(out, _MANIFEST))


# Whether the command line's ``main`` runs this process (``start``): a command may then
# end it at once when it is done (``end``)
_ENTERED = False


def start(argv: list[str]) -> None:
    """Start the command's worker now, if the command does its work in one."""
    global _ENTERED
    _ENTERED = True
    preload = preload_for(argv)
    if preload is None:
        return
    from tei_edition import workerstart  # only os: pool and subprocess load meanwhile

    try:
        workerstart.prestart(preload)
    except OSError:  # no worker now: the command starts its own when it needs it
        pass


def discard() -> None:
    """End the worker started early if the command did not take it."""
    import sys

    started = sys.modules.get("tei_edition.workerstart")
    if started is not None:
        started.discard_spare()


def entered() -> bool:
    """Whether this process is the command line's own (``main`` started it): not a
    command invoked inside another program (tests' click runner)."""
    return _ENTERED


def end(code: int) -> None:
    """End the command line's process now, with ``code``, once its output is out and
    its exit handlers ran: the interpreter's exit would walk and free every object the
    command made (a rebuild's collection, its register and records: a tenth of a
    one-letter rebuild's time) for nothing. Only in the process ``main`` runs."""
    import atexit

    from tei_edition.terminate import exit_now

    discard()
    atexit._run_exitfuncs()
    exit_now(code)
