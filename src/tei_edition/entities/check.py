"""``entities check``: the archivist's lint of the tagging.

Rules (the ``rule`` of each diagnostic):
  missing-entry   error    a pointer to an id no register has (or a register file not read)
  wrong-type      error    a name of one kind pointing to an entry of another
                           (``persName`` to a place)
  unused-entry    warning  a register entry no name points to
  ambiguous-form  warning  the same surface form (folded) pointing to different entries
  duplicate-id    warning  the same id in two registers (``#id`` takes the first)
  unlinked        warning  a name with no ``@ref`` at all
  untagged        warning  a register name form in the text, outside any name
Any finding makes the check fail (exit 1): warnings are things to look at, not noise.
"""

from __future__ import annotations

import re
from collections import defaultdict

from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.entities.mentions import Corpus, Mention, load
from tei_edition.entities.namefold import fold
from tei_edition.errors import TeiEditionError
from tei_edition.entities.untagged import FormMatcher, decode_source
from tei_edition.xml.parse import read_bytes

SOURCE = "entities"


def check(paths) -> list[tuple[str, list[Diagnostic]]]:
    """Diagnostics per file, files in the order read, each file's in line order."""
    corpus = load(paths, flows=True)
    at = _Locator()
    found: list[Diagnostic] = []
    for rule in (_missing, _wrong_type, _ambiguous, _unlinked):
        found += rule(corpus, at)
    found += _unused(corpus) + _duplicates(corpus) + _untagged(corpus)
    found += [Diagnostic(exc.path, exc.line, exc.column, "error", "xml", exc.message)
              for exc in corpus.malformed]
    by_file: dict[str, list[Diagnostic]] = {d: [] for d in corpus.documents}
    for diag in found:
        by_file.setdefault(diag.path, []).append(diag)
    order = {"error": 0, "warning": 1, "info": 2}
    return [(path, sorted(diags, key=lambda d: (d.line or 0, d.column or 0, order[d.severity],
                                                 d.rule or "", d.message)))
            for path, diags in by_file.items()]


def _name(m: Mention) -> str:
    return f'<{m.tag}> "{m.label}"'


def _missing(corpus: Corpus, at: "_Locator") -> list[Diagnostic]:
    out = []
    for m in corpus.mentions:
        for token in m.missing:
            file = token.partition("#")[0]
            why = next((w for f, w in corpus.refused.items() if file and f.endswith(file)), None)
            reason = f"register file not read: {why}" if why else "no register entry has this id"
            out.append(at(m, "error", f"{_name(m)} points to {token}: {reason}", "missing-entry"))
    return out


def _wrong_type(corpus: Corpus, at: "_Locator") -> list[Diagnostic]:
    out = []
    for m in corpus.mentions:
        for key in m.targets:
            entry = corpus.register.entries[key]
            if m.kind and entry.kind != m.kind:
                out.append(at(m, "error", f"{_name(m)} names a {m.kind} but points to "
                               f"#{entry.id}, a {entry.kind} ({entry.name})", "wrong-type"))
    return out


def _unused(corpus: Corpus) -> list[Diagnostic]:
    used = {key for m in corpus.mentions for key in m.targets}
    return [Diagnostic(e.path, e.line, None, "warning", SOURCE,
                       f"register entry #{e.id} ({e.name}) is never mentioned", "unused-entry")
            for e in corpus.register if e.key not in used]


def _ambiguous(corpus: Corpus, at: "_Locator") -> list[Diagnostic]:
    """One warning per surface form that points to more than one set of entries."""
    forms: dict[str, dict[tuple, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    for m in corpus.mentions:
        if m.targets:
            forms[fold(m.label)][tuple(sorted(m.targets))].append(m)
    out = []
    for variants in forms.values():
        if len(variants) < 2:
            continue
        ordered = sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        described = "; ".join(
            f"{' + '.join('#' + corpus.display_id(k) for k in keys)} ({len(ms)}×)"
            for keys, ms in ordered)
        first = min((ms[0] for _, ms in ordered[1:]),
                    key=lambda m: (corpus.documents.index(m.document), m.line or 0))
        out.append(at(first, "warning", f'"{first.label}" points to different entries: '
                       f"{described}", "ambiguous-form"))
    return out


def _duplicates(corpus: Corpus) -> list[Diagnostic]:
    return [Diagnostic(e.path, e.line, None, "warning", SOURCE,
                       f"register id #{e.id} is also used in "
                       f"{corpus.register.by_bare_id(e.id).path}; #{e.id} points to the first",
                       "duplicate-id")
            for e in corpus.register.duplicates]


def _unlinked(corpus: Corpus, at: "_Locator") -> list[Diagnostic]:
    return [at(m, "warning", f"{_name(m)} has no @ref", "unlinked")
            for m in corpus.mentions if not m.pointers and not m.outside]


def _untagged(corpus: Corpus) -> list[Diagnostic]:
    entries_by_form: dict[str, list] = defaultdict(list)
    for entry in corpus.register:
        for name in entry.names:
            if entry not in entries_by_form[fold(name)]:
                entries_by_form[fold(name)].append(entry)
    matcher = FormMatcher(n for e in corpus.register for n in e.names)
    out = []
    for flow in corpus.flows.values():
        for hit in matcher.search(flow):
            named = ", ".join(f"#{corpus.display_id(e.key)} {e.name}"
                              for e in entries_by_form.get(hit.folded, []))
            out.append(Diagnostic(hit.path, hit.line, hit.column, "warning", SOURCE,
                                  f'"{hit.form}" is not tagged ({named})', "untagged"))
    return out


# -- columns of element diagnostics ---------------------------------------------------

class _Locator:
    """Diagnostics at a mention: lxml gives an element's line only, so the column is
    that of the nth ``<tag`` on the line in the source (read once per file)."""

    def __init__(self):
        self.sources: dict[str, list[str] | None] = {}

    def __call__(self, m: Mention, severity: str, message: str, rule: str) -> Diagnostic:
        return Diagnostic(m.document, m.line, self.column(m), severity, SOURCE, message, rule)

    def column(self, m: Mention) -> int | None:
        if m.document not in self.sources:
            self.sources[m.document] = _source_lines(m.document)
        lines = self.sources[m.document]
        if not lines or not m.line or m.line > len(lines):
            return None
        pattern = rf"<(?:[\w.-]+:)?{m.tag}(?=[\s/>])"
        starts = [hit.start() + 1 for hit in re.finditer(pattern, lines[m.line - 1])]
        return starts[m.nth] if m.nth < len(starts) else None


def _source_lines(path: str) -> list[str] | None:
    try:
        text = decode_source(read_bytes(path))
    except TeiEditionError:
        return None
    return text.split("\n") if text is not None else None  # XML lines, not str.splitlines
