"""What ``validate`` reports: per file, its diagnostics (and its SVRL when asked).

Kept apart from the validators, without lxml at import, so that a command line that
gets a report back from its worker process reads it without loading them."""

from __future__ import annotations

from dataclasses import dataclass, field

from tei_edition.errors import InputError
from tei_edition.validation.diagnostics import Diagnostic, to_json


@dataclass
class FileReport:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    svrl: list = field(default_factory=list)  # lxml elements  # one per Schematron schema run

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    def __getstate__(self) -> dict:
        """Pickled (a report coming back from a worker process): the SVRL as XML text."""
        from lxml import etree

        return {**self.__dict__, "svrl": [etree.tostring(e, with_tail=False) for e in self.svrl]}

    def __setstate__(self, state: dict) -> None:
        svrl = state["svrl"]
        if svrl:  # lxml only when there is SVRL to read
            from lxml import etree

            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            svrl = [etree.fromstring(x, parser) for x in svrl]
        self.__dict__.update(state, svrl=svrl)

    @property
    def valid(self) -> bool:
        return self.errors == 0


@dataclass
class Report:
    files: list[FileReport]
    notes: list[str] = field(default_factory=list)  # which engine ran, and why
    unreadable: list[InputError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.files) and not self.unreadable

    def summary(self) -> str:
        count = len(self.files) + len(self.unreadable)
        invalid = sum(not f.valid for f in self.files)
        errors = sum(f.errors for f in self.files)
        text = (f"{count} file{'s' * (count != 1)}, {invalid} invalid, "
                f"{errors} error{'s' * (errors != 1)}")
        if self.unreadable:
            text += f", {len(self.unreadable)} unreadable"
        return text

    def to_json(self) -> str:
        return to_json([(f.path, f.diagnostics) for f in self.files])

    def to_svrl(self) -> str:
        """The SVRL report of a run with ``keep_svrl``: one ``svrl:schematron-output`` per
        document (the reports of several schemas on one document merged); several
        documents are wrapped in ``te:svrl-reports``, one ``te:document path=`` each."""
        from lxml import etree

        from tei_edition.validation import schematron
        from tei_edition.xml.parse import TE_NS

        outputs = [(f.path, schematron.merge_svrl(f.svrl)) for f in self.files if f.svrl]
        if len(outputs) == 1:
            root = outputs[0][1]
        else:
            root = etree.Element(f"{{{TE_NS}}}svrl-reports", nsmap={"te": TE_NS})
            for path, output in outputs:
                etree.SubElement(root, f"{{{TE_NS}}}document", path=path).append(output)
        return etree.tostring(root, encoding="unicode", pretty_print=True)
