"""Which TEI-to-HTML stylesheet the HTML cases are measured against (issue 14).

The issue states its goals against the TEI Stylesheets' HTML conversion (TEIC/Stylesheets,
``html/html.xsl``). They are not on PyPI, npm or Debian, so they are used only where a
checkout is named by ``TEI_STYLESHEETS`` (the folder holding ``html/html.xsl``, or that
file itself); without it the lean stand-in ``tei-html.xsl`` beside this file is used.
Every row measured against it says which one it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV = "TEI_STYLESHEETS"
LEAN_XSL = Path(__file__).resolve().parent / "tei-html.xsl"


@dataclass(frozen=True)
class Reference:
    xsl: Path
    name: str  # the report's longer description
    label: str  # a few words, in the name of every row measured against it


LEAN = Reference(LEAN_XSL, "generic TEI->HTML XSLT (bench/reference/tei-html.xsl), one Saxon "
                 "process, compiled once; a lean stand-in for the TEI Stylesheets",
                 "vs lean stand-in")


def chosen(environ: os._Environ | dict = os.environ) -> Reference:
    """The TEI Stylesheets where ``TEI_STYLESHEETS`` names them, else the lean stand-in.
    A value naming no ``html/html.xsl`` is an error, never a silent fall-back."""
    value = environ.get(ENV, "").strip()
    if not value:
        return LEAN
    given = Path(value).expanduser()
    xsl = given / "html" / "html.xsl" if given.is_dir() else given
    if not xsl.is_file():
        raise SystemExit(f"{ENV}={value}: no html/html.xsl there (point it at a TEI "
                         "Stylesheets checkout, or unset it for the lean stand-in)")
    return Reference(xsl.resolve(), f"TEI Stylesheets {xsl.resolve()}, one Saxon process, "
                     "compiled once", "vs TEI Stylesheets")
