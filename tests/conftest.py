"""Shared test helpers: the CLI runner, paths to the project and to ../shared/."""

from __future__ import annotations

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


def corpus_files() -> list[Path]:
    """Every real TEI file in ../shared/corpus (empty when the folder is absent)."""
    return sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []


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
