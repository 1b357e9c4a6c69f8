"""Shared test helpers: the CLI runner, paths to the project and to ../shared/."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
DOSSIER = ROOT / "tei" / "nkidp-edossier-8.xml"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
TEI_ALL = SHARED / "schemas" / "tei_all.rng"
SOURCE_TEXT = SHARED / "source" / "nkidp-edossier-8.txt"

# Python started through a small launcher, for children whose peak memory is measured:
# a child forked straight from the (by then large) test process counts the parent's
# pages in its own peak (ru_maxrss survives exec).
FRESH_PYTHON = [sys.executable, "-c",
                "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)",
                sys.executable]


def cpu_seconds(pid: int) -> float:
    """Processor time (user and system) a process has used so far, from /proc; 0 when
    it is gone. For waiting until a child is under way, never for timing asserts."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


LETTERS = CORPUS / "letters"
# The letter edition (4,816 letters) is a collection: collection tests and the bench use
# it whole; the per-file corpus tests take every LETTER_SAMPLE-th letter beside the rest.
LETTER_SAMPLE = 200


def corpus_files() -> list[Path]:
    """The real TEI files of ../shared/corpus for per-file tests (empty when the folder
    is absent): every file of the other projects, and a sample of the letter edition."""
    if not CORPUS.is_dir():
        return []
    others = [p for p in CORPUS.rglob("*.xml") if LETTERS not in p.parents]
    return sorted(others) + letter_sample()


def corpus_sample() -> list[Path]:
    """One file of each project of ../shared/corpus (its smallest, each project's markup
    being the point, not its size): what the fast tier reads where ``make test-all``
    reads every file of ``corpus_files()``."""
    smallest: dict[str, Path] = {}
    for path in corpus_files():
        project = path.relative_to(CORPUS).parts[0]
        if project not in smallest or path.stat().st_size < smallest[project].stat().st_size:
            smallest[project] = path
    return sorted(smallest.values())


def corpus_params(ids=lambda p: str(p.relative_to(CORPUS))) -> list:
    """``pytest.param`` per file of ``corpus_files()``, those outside ``corpus_sample()``
    marked ``slow``."""
    fast = set(corpus_sample())
    return [pytest.param(p, id=ids(p), marks=() if p in fast else pytest.mark.slow)
            for p in corpus_files()]


def letter_sample(step: int = LETTER_SAMPLE) -> list[Path]:
    """Every ``step``-th letter of the letter edition, in name order (stable)."""
    letters = sorted((LETTERS / "letters").glob("*.xml")) if LETTERS.is_dir() else []
    return letters[::step]


def needs_shared(path: Path):
    """Skip cleanly when ../shared/ (or one file of it) is not beside the project."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not available")


@pytest.fixture
def run():
    """Invoke the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    from tei_edition.cli import cli

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def normalise_probe(tmp_path_factory):
    """A stylesheet that returns ``te:normalized(/)``: the common layer's pre-pass,
    for tests that inspect the editorial decisions it records."""
    from tei_edition import resources

    path = tmp_path_factory.mktemp("xsl") / "probe.xsl"
    common = (resources.xslt_dir() / "common" / "common.xsl").as_uri()
    path.write_text(f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      xmlns:te="urn:x-tei-edition"><xsl:import href="{common}"/>
      <xsl:template match="/"><xsl:sequence select="te:normalized(/)"/></xsl:template>
    </xsl:stylesheet>""")
    return path


# Browser tests drive Debian's Chromium (installed by .ci/run), never a downloaded one.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"),
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test."""
    from playwright import sync_api

    # what the pages' scripts load and draw is awaited with expect(): 5 s by default,
    # which a loaded 2-core machine can need for the larger sites' first sort or filter
    sync_api.expect.set_options(timeout=15_000)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Opens a URL in a fresh page, each in its own context (closed after the test), that
    records what a page must never do in ``page.problems`` (console errors and warnings,
    script errors, failed requests, any request that is not a local file) and every URL
    it asked for in ``page.requests``: ``new_page(url, width=1300, height=900)``."""
    contexts = []

    def opener(url: str, width: int = 1300, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.problems, page.requests = [], []
        page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("request", lambda r: None if r.url.startswith("file://")
                else page.problems.append(f"network: {r.url}"))
        page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()
