"""The one place that knows where stylesheets, schemas and Typst templates live.

In an installed wheel they are package data under ``tei_edition/_data/``; in a source
checkout (and an editable install, which does not see force-included folders) they are
the top-level ``xslt/`` and ``schemas/`` folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tei_edition.errors import ResourceError

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding ``xslt/`` and ``schemas/``."""
    for candidate in (_PACKAGE / "_data", _PACKAGE.parents[1]):
        if (candidate / "xslt").is_dir() and (candidate / "schemas").is_dir():
            return candidate
    raise ResourceError("cannot find the stylesheets and schemas of this installation "
                        f"(looked in {_PACKAGE / '_data'} and {_PACKAGE.parents[1]}); "
                        "reinstall tei-edition")


def xslt_dir() -> Path:
    return data_root() / "xslt"


def schemas_dir() -> Path:
    return data_root() / "schemas"


def _existing(path: Path, what: str) -> Path:
    if not path.is_file():
        raise ResourceError(f"{what} {path.name} is missing from {path.parent}; reinstall tei-edition")
    return path


def stylesheet(relative: str) -> Path:
    """An XSLT file, e.g. ``stylesheet("text/text.xsl")``."""
    return _existing(xslt_dir() / relative, "stylesheet")


def schema(name: str) -> Path:
    """A schema file, e.g. ``schema("tei_edition.rng")``."""
    return _existing(schemas_dir() / name, "schema")


def typst_template(name: str = "edition.typ") -> Path:
    """A Typst template shipped beside the Typst stylesheets."""
    return _existing(xslt_dir() / "typst" / name, "Typst template")
