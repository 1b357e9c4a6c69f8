"""How every format runs its stylesheet: the register entries its names resolve to
(decided once by ``entities.resolve``), the Saxon run, and the common layer's messages
turned into warnings and coverage figures."""

from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path


from lxml import etree

from tei_edition.collection.registers import CollectionRegister
from tei_edition.errors import TransformError
from tei_edition.entities.register import entries_in
from tei_edition.entities.resolve import resolve
from tei_edition.publish import transform
from tei_edition.publish.messages import Messages, split_messages  # noqa: F401
from tei_edition.xml.parse import TE_NS, TEI_NS, parse_file
from tei_edition.xml.uri import SCHEME


# The collection's register, for every format run inside ``collection_register()``.
_collection: contextvars.ContextVar[CollectionRegister | None] = contextvars.ContextVar(
    "tei_edition_collection_register", default=None)


@contextmanager
def collection_register(register: CollectionRegister | None):
    """Inside the block, every format resolves names against ``register`` (a
    collection's), not against the document's own register files: the way a build
    (or a worker of it) hands the collection's register to unchanged formats."""
    token = _collection.set(register)
    try:
        yield register
    finally:
        _collection.reset(token)


def active_collection_register() -> CollectionRegister | None:
    """The register set by ``collection_register()`` in this context, if any."""
    return _collection.get()


@dataclass
class _Resolved:
    """A document resolved by ``resolved()``: the keys it names and, once a format
    asked for it, the bundle of their entries (the same for every format that reads
    the same forms of them: ``forms_read``)."""

    tree: object
    source: Path
    register: CollectionRegister
    keys: set[str]
    bundles: dict = field(default_factory=dict)


_resolved: contextvars.ContextVar[_Resolved | None] = contextvars.ContextVar(
    "tei_edition_resolved_document", default=None)


@contextmanager
def resolved(tree, source: Path, register: CollectionRegister):
    """Resolve the names of ``tree`` against ``register`` now (``entities.resolve``),
    once for every format run on that tree inside the block (a build exports one
    document in several formats and reads its resolved names for the collection
    site), and the bundle of the entries it names made once for them all. Yields the
    keys it names. Its names must not change inside the block."""
    keys = resolve(tree, source, register)
    token = _resolved.set(_Resolved(tree, source, register, keys))
    try:
        yield keys
    finally:
        _resolved.reset(token)


def document_register(tree, source: Path) -> CollectionRegister:
    """The register of one document exported on its own: its own entries, and those of
    the register files its ``@ref="file.xml#id"`` values name.

    Only files inside the document's own folder tree are read: a reference may not
    lead the tool to a file the user did not put beside the document.
    """
    folder = source.resolve().parent
    named = Path(os.path.abspath(source)).parent  # how the register names files
    register = CollectionRegister(named)
    register_entries(register, tree.getroot(), source, keep=True)
    names = set()
    for ref in tree.getroot().xpath("//@ref"):
        for uri in ref.split():
            target = uri.split("#", 1)[0]
            if target and "#" in uri and not SCHEME.match(target):
                names.add(target)
    for name in sorted(names):
        path = (folder / name).resolve()
        if folder not in path.parents or not path.is_file() or path == source.resolve():
            continue
        register_entries(register, parse_file(path).getroot(),
                         Path(os.path.normpath(named / name)), keep="element")
    return register


def register_entries(register: CollectionRegister, root, path: Path, *, keep) -> None:
    for entry in entries_in(root, register.relative(path), keep=keep):
        register.add(entry)


# An entry's name forms (xslt/common/entry-forms.xsl), each made once per process:
# (reading, the entry's serialization) -> form name -> the te:form-* attribute's value.
# By form, not by the forms a format asks for together: the text's label is the one the
# PDF made of the same entry (the forms depend on the entry and the reading alone).
FORMS_TEMPLATE = "{urn:x-tei-edition}entry-forms"
FORMS = ("label", "index", "sort", "dates", "description", "summary")
_TE_KEY = f"{{{TE_NS}}}key"
_TE_FORMS = f"{{{TE_NS}}}forms"
_FORMS_HELD = 100_000  # entries; past that the cache starts again
_forms: dict[tuple[str, bytes], dict[str, str]] = {}

# Which forms a format's pages in a collection read of the entries handed over (names.xsl,
# te:handed-over) is its stylesheet's to say: its template te:forms-read (in its
# params.xsl) returns them; a stylesheet without one reads them all.
FORMS_READ_TEMPLATE = "{urn:x-tei-edition}forms-read"
_NO_TEMPLATE = "XTDE0040"  # (Saxon: no template of that name)


@cache
def forms_read(stylesheet: str) -> tuple[str, ...]:
    """The forms ``stylesheet``'s pages read of the entries handed over, as the
    stylesheet declares them (``FORMS_READ_TEMPLATE``), in ``FORMS`` order; asked once
    per process."""
    declared = _declared(stylesheet, FORMS_READ_TEMPLATE)
    if declared is None:
        return FORMS
    unknown = sorted(set(declared) - set(FORMS))
    if unknown:
        raise TransformError(f"{stylesheet}: te:forms-read names no form {', '.join(unknown)} "
                             f"(known: {', '.join(FORMS)})")
    return tuple(name for name in FORMS if name in declared)


def _declared(stylesheet: str, template: str) -> list[str] | None:
    """The strings ``stylesheet``'s named ``template`` returns; None when it has none."""
    context = etree.ElementTree(etree.Element(f"{{{TE_NS}}}registers"))
    try:
        return transform.call_template_strings(stylesheet, template, context).strings
    except TransformError as exc:
        if _NO_TEMPLATE not in exc.message:
            raise
        return None


# What else a format's pages of a collection's site (a run with ``collection-page``) read
# of the entries handed over is its stylesheet's to say too: its template te:entries-read
# returns "kind" when they read of each entry only what kind it is (its element's name)
# and its key; "forms" when every run of it in a collection reads only that and the
# forms it reads (te:forms-read); a stylesheet without one reads them whole. Such a run
# is handed each entry as an empty element, with those forms (a letter's bundle a sixth
# of its size: Saxon parses it for each letter).
ENTRIES_READ_TEMPLATE = "{urn:x-tei-edition}entries-read"
ENTRIES_READ = ("whole", "kind", "forms")


@cache
def entries_read(stylesheet: str) -> str:
    """What ``stylesheet``'s pages read of the entries handed over besides their forms
    (``ENTRIES_READ_TEMPLATE``): "whole", "kind" or "forms"; asked once per process."""
    declared = _declared(stylesheet, ENTRIES_READ_TEMPLATE)
    if declared is None:
        return "whole"
    if len(declared) != 1 or declared[0] not in ENTRIES_READ:
        raise TransformError(f"{stylesheet}: te:entries-read returned {declared!r}, not one of "
                             f"{', '.join(ENTRIES_READ)}")
    return declared[0]


def with_forms(stylesheet: str, bundle, reading: str, forms: tuple[str, ...] = FORMS) -> None:
    """Write on each entry of a register ``bundle`` (its top level) the name forms the
    common layer decides for it, those of ``forms`` (te:form-label, -index, -sort,
    -dates, -description, -summary; names.xsl reads them instead of deciding again, and
    decides those not handed over), each form of an entry made once per process, for
    whichever format asks for it first: a collection's entries recur from document to
    document, and formats read some of the same forms. Those not made yet are made
    together, by one call of the stylesheet's ``te:entry-forms`` template (every
    format's stylesheet has it: no other is compiled). The forms depend on the entry
    alone and the reading (a choice in a description); an entry that already has forms
    is left as it is."""
    forms = tuple(name for name in FORMS if name in forms)
    if not forms:
        return
    root = bundle.getroot() if hasattr(bundle, "getroot") else bundle
    wanted: list[tuple[etree._Element, tuple[str, bytes]]] = []
    for entry in root:
        if not isinstance(entry.tag, str) or entry.get(_TE_KEY) is None or \
                any(entry.get(f"{{{TE_NS}}}form-{name}") is not None for name in FORMS):
            continue
        wanted.append((entry, (reading, etree.tostring(entry))))
    lacking = _lacking(wanted, forms)
    if lacking and len(_forms) + len(wanted) > _FORMS_HELD:
        _forms.clear()
        lacking = _lacking(wanted, forms)
    for names, missing in lacking.items():
        _make_forms(stylesheet, root, missing, reading, names)
    for entry, key in wanted:
        made = _forms[key]
        for name in forms:
            entry.set(f"{{{TE_NS}}}form-{name}", made[name])


def _lacking(wanted: list, forms: tuple[str, ...]) -> dict[tuple[str, ...], list]:
    """The (entry, key) of ``wanted`` by the forms of ``forms`` not made of them yet (most
    lack all or none: one call of the stylesheet for them)."""
    lacking: dict[tuple[str, ...], list] = {}
    for entry, key in wanted:
        made = _forms.get(key, {})
        names = tuple(name for name in forms if name not in made)
        if names:
            lacking.setdefault(names, []).append((entry, key))
    return lacking


def _make_forms(stylesheet: str, root, missing: list, reading: str, forms: tuple[str, ...]) -> None:
    """The ``forms`` of the ``missing`` (entry, key) of a bundle's ``root``, made by one call
    of ``te:entry-forms``, into ``_forms``."""
    part = etree.Element(root.tag, nsmap=root.nsmap)
    part.set(_TE_FORMS, " ".join(forms))
    for entry, _ in missing:
        part.append(deepcopy(entry))
    strings = transform.call_template_strings(stylesheet, FORMS_TEMPLATE, part.getroottree(),
                                              {"reading": reading} if reading else None).strings
    size = 1 + len(forms)
    # (each entry's forms follow its key: checked, so that none lands on another)
    if len(strings) != size * len(missing) or \
            strings[::size] != [entry.get(_TE_KEY) for entry, _ in missing]:
        raise TransformError(f"{stylesheet}: te:entry-forms returned {len(strings)} strings "
                             f"not the forms of its {len(missing)} entries in order")
    for (entry, key), at in zip(missing, range(0, len(strings), size)):
        _forms.setdefault(key, {}).update(zip(forms, strings[at + 1:at + size]))


# The entries of a collection's register as ``handed_bundle`` serializes them, each once
# per process: (register stamp, reading, forms, whole, key) -> the entry's XML ("": no
# entry).
_handed: dict[tuple[int, str, tuple[str, ...], bool, str], str] = {}
# (the root declares the namespaces every entry has, which its start tag then leaves out:
# a third of a letter's bundle, which Saxon parses for each letter)
_ENTRY_NAMESPACES = f' xmlns="{TEI_NS}" xmlns:te="{TE_NS}"'
_BUNDLE_START = f'<te:registers{_ENTRY_NAMESPACES}>'
_BUNDLE_END = "</te:registers>"


def handed_bundle(stylesheet: str, register: CollectionRegister, keys,
                  reading: str, forms: tuple[str, ...] = FORMS, *,
                  whole: bool = True) -> transform.XmlText:
    """``register.bundle(keys)`` with each entry's name forms of ``forms``
    (``with_forms``), as the XML text Saxon parses: the same tree, made of each entry's
    text, made once per process for the register as it is (its ``stamp``), the reading
    and the forms. A worker's documents name the same entries again and again: none is
    copied, given its forms or serialized again, and no bundle is built or serialized
    per document. Not ``whole`` (a page that reads only the entries' kinds and keys,
    and the forms of ``forms``, ``entries_read``): each entry an empty element, with its
    forms."""
    stamp = register.stamp
    wanted = sorted(set(keys))
    missing = [key for key in wanted if (stamp, reading, forms, whole, key) not in _handed]
    if missing:
        if len(_handed) + len(missing) > _FORMS_HELD or \
                next(iter(_handed), (stamp,))[0] != stamp:  # (only the register at hand's)
            _handed.clear()
            missing = wanted
        if whole or forms:
            _hand_whole(stylesheet, register, missing, reading, forms, whole)
        else:
            for key in missing:
                _handed[(stamp, reading, forms, whole, key)] = _kind_of_entry(register, key)
    return transform.XmlText(_BUNDLE_START + "".join([_handed[(stamp, reading, forms, whole, key)]
                                                      for key in wanted]) + _BUNDLE_END)


def _hand_whole(stylesheet: str, register: CollectionRegister, keys: list[str],
                reading: str, forms: tuple[str, ...], whole: bool = True) -> None:
    """The entries of ``keys`` with their forms, whole or (not ``whole``) empty, into
    ``_handed``."""
    part = etree.Element(f"{{{TE_NS}}}registers", nsmap={"te": TE_NS})
    copies = []
    for key in keys:
        entry = register.find(key)
        copies.append(None if entry is None else register.bundle_entry(part, entry))
    with_forms(stylesheet, part, reading, forms)
    for key, copy in zip(keys, copies):
        _handed[(register.stamp, reading, forms, whole, key)] = "" if copy is None else \
            _in_bundle(etree.tostring(copy, encoding="unicode")) if whole else _forms_of_entry(copy, forms)


def _forms_of_entry(copy, forms: tuple[str, ...]) -> str:
    """An entry (its bundle's copy, with its forms) as a run that reads only its kind, key
    and ``forms`` is handed it: its element, empty, with them (whole: an entry not in
    TEI, as in ``_kind_of_entry``, or one whose forms were not made, ``with_forms``)."""
    name = etree.QName(copy)
    made = [copy.get(f"{{{TE_NS}}}form-{form}") for form in forms]
    if name.namespace != TEI_NS or None in made:
        return _in_bundle(etree.tostring(copy, encoding="unicode"))
    attributes = "".join(f' te:form-{form}="{transform.escaped(value)}"' for form, value in zip(forms, made))
    return f'<{name.localname} te:key="{transform.escaped(copy.get(_TE_KEY))}"{attributes}/>'


def _kind_of_entry(register: CollectionRegister, key: str) -> str:
    """An entry as a page that reads only its kind and key is handed it: its element,
    empty, with its key ("": no entry, as in ``bundle``)."""
    entry = register.find(key)
    element = None if entry is None else entry.element
    if element is None:
        return ""
    name = etree.QName(element)
    if name.namespace != TEI_NS:  # (no TEI entry: whole, its namespace declared on it)
        copy = register.bundle_entry(etree.Element(f"{{{TE_NS}}}registers", nsmap={"te": TE_NS}), entry)
        return _in_bundle(etree.tostring(copy, encoding="unicode"))
    return f'<{name.localname} te:key="{transform.escaped(register.key_of(entry))}"/>'


def _in_bundle(entry: str) -> str:
    """An entry's XML as the bundle holds it: its start tag without the namespace
    declarations the bundle's root makes (the same namespaces in scope)."""
    start, end, rest = entry.partition(">")
    return start.replace(_ENTRY_NAMESPACES, "", 1) + end + rest


def run_format(stylesheet: str, tree, source: Path, params: dict, *,
               strings: bool = False, register: CollectionRegister | None = None,
               bundle=None, dispose: bool = False) -> tuple[object, Messages]:
    """Run a format's entry stylesheet the way every format does: its parameters, the
    names resolved once (``entities.resolve``: the stylesheets read its decision) and
    the register entries they name, and the messages split into warnings and coverage.

    ``register``: the collection's register (else the one set by
    ``collection_register()``, else the document's own, with the register files it
    points to). ``bundle``: a ready ``register.bundle()`` to hand
    over as it is (a worker builds the whole collection's once), else one is made of
    the entries this document names. ``dispose``: empty ``tree`` once Saxon holds the
    document (``transform.run``). Returns the serialized output (or, with ``strings``,
    the list of strings)."""
    params = dict(params)
    if register is None:
        register = _collection.get()
    if register is None:
        register = document_register(tree, source)
    done = _resolved.get()
    collection = register is _collection.get()  # its entries recur from document to document
    if done is not None and done.tree is tree and done.source == source and done.register is register:
        if bundle is None:  # resolved once for all formats (``resolved``), bundled once
            forms = forms_read(stylesheet) if collection else ()  # (for the forms they read)
            # (and what else: declared for a page of a collection's site, which a run
            # with no ``collection-page`` is not: a site of its own, with its registers;
            # or for every run in a collection)
            read = entries_read(stylesheet) if collection else "whole"
            whole = read == "whole" or (read == "kind" and "collection-page" not in params)
            if (forms, whole) not in done.bundles:
                done.bundles[(forms, whole)] = handed_bundle(stylesheet, register, done.keys,
                                                             params.get("reading", ""), forms,
                                                             whole=whole) \
                    if collection else register.bundle(done.keys)
            bundle = done.bundles[(forms, whole)]
    else:
        keys = resolve(tree, source, register)
        bundle = bundle if bundle is not None else register.bundle(keys)
    if collection and not isinstance(bundle, transform.XmlText):
        with_forms(stylesheet, bundle, params.get("reading", ""), forms_read(stylesheet))
    params["registers"] = bundle
    if strings:
        result = transform.run_strings(stylesheet, tree, params, path=str(source), dispose=dispose)
        output = result.strings
    else:
        result = transform.run(stylesheet, tree, params, path=str(source), dispose=dispose)
        output = result.output
    return output, split_messages(result.warnings, str(source))
