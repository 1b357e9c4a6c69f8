"""The transformation layer: one lazily created Saxon processor, stylesheets compiled
once per process, typed parameters, ``xsl:message`` captured as warnings, and Saxon
errors turned into our ``TransformError``.

Security: Saxon trusts its input by default. Here its XML parser loads no external
DTD or entity, and ``allowedProtocols`` is "none" once a stylesheet is compiled, so a
document cannot make ``doc()``, ``unparsed-text()`` or ``collection()`` read a file
or the network. Our own stylesheets are compiled before that latch closes, so only
``xsl:import``/``xsl:include`` resolve. Documents are
parsed by our safe parser (``xmlparse``) and handed over as text without a DOCTYPE.
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition import resources
from tei_edition.errors import ResourceError, TransformError
from tei_edition.xml.namespaces import TE_NS, TEI_NS

# Elements carry their source line in this attribute while a stylesheet runs, so that
# outputs (and error messages) can point back at the TEI line that produced them: those
# whose line the stylesheet reads (``lines_unread``).
LINE_ATTR = f"{{{TE_NS}}}line"


def _etree():
    """lxml's etree, imported when a tree is first handed over: an export's worker,
    handed its document as text (``run_strings_handed``), never loads lxml (some 7 MB
    of its peak)."""
    global _lxml
    if _lxml is None:
        from lxml import etree

        etree.register_namespace("te", TE_NS)  # (te:line, not ns0:line)
        _lxml = etree
    return _lxml


_lxml = None

_SAXON_FEATURES = {
    "http://saxon.sf.net/feature/parserFeature?uri=http://xml.org/sax/features/external-general-entities": "false",
    "http://saxon.sf.net/feature/parserFeature?uri=http://xml.org/sax/features/external-parameter-entities": "false",
    "http://saxon.sf.net/feature/parserFeature?uri=http://apache.org/xml/features/nonvalidating/load-external-dtd": "false",
    "http://saxon.sf.net/feature/linenumbering": "true",
    # Saxon's parser refuses nesting deeper than 100 levels by default; our safe parser
    # has already bounded it (256, or 2048 with --huge), so let every tree it made through.
    "http://saxon.sf.net/feature/parserProperty?uri=http://www.oracle.com/xml/jaxp/properties/maxElementDepth": "2048",
}
_ALLOWED_PROTOCOLS = "http://saxon.sf.net/feature/allowedProtocols"

_executables: dict[Path, "Compiled"] = {}
_named: dict[str, "Compiled"] = {}  # each name ``compiled`` was asked for -> its stylesheet


@dataclass
class Result:
    """What a transformation produced: its serialized output and its messages."""

    output: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class Compiled:
    """A compiled stylesheet and the sandboxed Saxon processor that owns it.

    Saxon's ``allowedProtocols`` is a one-way latch per processor: once narrowed it
    cannot be widened again. So each stylesheet gets its own processor, compiled while
    ``file:`` is allowed (for ``xsl:import``), then latched to no protocol at all before
    any document is seen. Documents must be built by the same processor.
    """

    processor: object
    executable: object
    caller: object = None  # a clone for call_template_strings (its own context item)
    unread: frozenset[str] | None = None  # ``lines_unread``, once asked


def sandboxed_processor(*, latched: bool = True):
    """A fresh Saxon processor whose parser loads no external DTD or entity.

    ``latched`` processors can open no URI at all (for XPath and XQuery over
    documents we parsed ourselves).
    """
    from saxonche import PySaxonProcessor

    proc = PySaxonProcessor(license=False)
    for name, value in _SAXON_FEATURES.items():
        proc.set_configuration_property(name, value)
    if latched:
        proc.set_configuration_property(_ALLOWED_PROTOCOLS, "none")
    return proc


def saxon_version() -> str:
    return sandboxed_processor().version


def compiled(stylesheet: str | os.PathLike) -> Compiled:
    """The compiled stylesheet (a path, or a name under ``xslt/``), once per process."""
    found = _named.get(stylesheet)
    if found is not None:  # (a name asked for before: not resolved on the disk again)
        return found
    path = Path(stylesheet)
    if not path.is_absolute():
        path = resources.stylesheet(str(stylesheet))
    path = path.resolve()
    if path not in _executables:
        if not path.is_file():
            raise ResourceError(f"stylesheet not found: {path}")
        proc = sandboxed_processor(latched=False)
        proc.set_configuration_property(_ALLOWED_PROTOCOLS, "file")
        try:
            executable = call_saxon(
                lambda: proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path)),
                f"cannot compile stylesheet {path.name}")
        finally:
            proc.set_configuration_property(_ALLOWED_PROTOCOLS, "none")
        _executables[path] = Compiled(proc, executable)
    if isinstance(stylesheet, str):
        _named[stylesheet] = _executables[path]
    return _executables[path]


# Saxon's XML parser (the JDK's) counts every &amp;, &lt;, &gt;, &quot; and &apos; it
# expands and refuses a text past 100,000 of them ("accumulated size of entities"): a
# 2 MB letter book full of "&" could not be handed over. Character references
# (&#38;) are not entities and are not counted. The limit guards against entity
# expansion, and nothing we hand over declares an entity.
_ENTITY_LIMIT = 90_000
_PREDEFINED = re.compile(r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|&(amp|lt|gt|quot|apos);", re.S)
_CHARACTER = {"amp": "&#38;", "lt": "&#60;", "gt": "&#62;", "quot": "&#34;", "apos": "&#39;"}


def saxon_text(text: str) -> str:
    """XML text as Saxon's parser takes it whatever its size: the predefined entity
    references written as character references (the same characters), comments,
    processing instructions and CDATA sections as they are. Text with fewer
    ampersands than the limit is returned as it is (most is)."""
    if text.count("&") < _ENTITY_LIMIT:
        return text
    return _PREDEFINED.sub(lambda m: _CHARACTER[m.group(1)] if m.group(1) else m.group(), text)


def parse_text(proc, text: str, context: str, *, path: str | None = None):
    """Saxon's tree of XML text we made (``saxon_text``), a failure named by ``context``."""
    text = saxon_text(text)
    return call_saxon(lambda: proc.parse_xml(xml_text=text), context, path=path)


def to_xdm(proc, tree, *, lines: bool = True,
           path: str | None = None, restore: bool = True, unread: frozenset[str] = frozenset()):
    """Hand a tree from our safe parser to Saxon (as text: no DOCTYPE travels with it).
    ``lines``: each element carries its source line (``LINE_ATTR``), but those named in
    ``unread`` (``lines_unread``). ``restore``: the line-number attributes are taken off
    the tree again (not when the caller empties it next)."""
    etree = _etree()
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    marked = _mark_lines(root, unread) if lines else []
    try:
        text = etree.tostring(root, encoding="unicode")
    finally:
        for el in marked if restore else ():
            del el.attrib[LINE_ATTR]
    return parse_text(proc, text, "cannot hand the document to Saxon", path=path)


def emptied(document) -> None:
    """Empty an lxml tree in place (its root element stays, bare) and hand the memory
    its nodes held back to the system: for a tree that Saxon now holds in its own form
    and that no one reads again (a large document's tree is several times the file)."""
    etree = _etree()
    root = document.getroot() if isinstance(document, etree._ElementTree) else document
    root.clear()
    _trim_heap()


def _trim_heap() -> None:
    """glibc keeps freed memory for reuse; ``malloc_trim`` returns it (elsewhere: no-op)."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


def run(stylesheet: str | os.PathLike, document, params: dict | None = None,
        *, path: str | None = None, dispose: bool = False) -> Result:
    """Transform an lxml ``document`` with typed ``params`` (str, bool, int, float, trees).

    ``dispose``: the caller reads ``document`` no more, so it is emptied (``emptied``)
    as soon as Saxon holds its own copy: its memory is free while the stylesheet runs."""
    sheet, node = _prepared(stylesheet, document, params, path, dispose)
    executable = sheet.executable
    try:
        output = call_saxon(lambda: executable.transform_to_string(xdm_node=node),
                            f"{Path(str(stylesheet)).name} failed", path=path)
    finally:
        warnings = _messages(executable)
    return Result(output or "", warnings)


@dataclass
class Strings:
    """What a stylesheet returning ``xs:string*`` produced: the strings, its messages."""

    strings: list[str]
    warnings: list[str] = field(default_factory=list)


def run_strings(stylesheet: str | os.PathLike, document, params: dict | None = None,
                *, path: str | None = None, dispose: bool = False) -> Strings:
    """Like ``run``, for a stylesheet whose result is a sequence of strings (its initial
    template is ``as="xs:string*"``): the strings come back as they are, one Python str
    each, neither serialised together nor re-parsed (so no parser limit applies).
    ``dispose`` as in ``run``.

    The strings cross from Saxon in one piece, written by its text serialiser with
    U+0001 between them, and are split here: taking them one by one
    (``transform_to_value``, then each item's value) grew Saxon's heap by some 60 MB
    for a 4 MB FRUS volume's pages and search index, its peak. U+0001 is no XML 1.0
    character, so no string can hold it. (So an empty result and one empty string
    are both ``[]``; every caller expects pairs or fours.)"""
    sheet, node = _prepared(stylesheet, document, params, path, dispose)
    executable = sheet.executable
    return strings_of(executable, lambda: executable.transform_to_string(xdm_node=node),
                      f"{Path(str(stylesheet)).name} failed", path=path)


def run_strings_handed(stylesheet: str | os.PathLike, document: Handed,
                       params: dict | None = None, *, path: str | None = None) -> Strings:
    """``run_strings`` on a document made ready in another process (``handed``): its
    text parsed as it is, nothing of it held here but Saxon's tree."""
    sheet = compiled(stylesheet)
    executable = sheet.executable
    text, document.data = document.data.decode("utf-8"), b""
    node = parse_text(sheet.processor, text, "cannot hand the document to Saxon", path=path)
    del text  # (Saxon has it: the text's memory is free while the stylesheet runs)
    _set_parameters(sheet.processor, executable, params)
    executable.set_save_xsl_message(True, None)
    return strings_of(executable, lambda: executable.transform_to_string(xdm_node=node),
                      f"{Path(str(stylesheet)).name} failed", path=path)


@dataclass
class Handed:
    """A document as ``to_xdm`` hands it to Saxon (its text, its source lines marked on
    the elements whose line the stylesheet reads), made in another process from a tree
    of our safe parser: ``handed``. ``data``: the text in UTF-8 (a str of a document
    with any character past Latin-1 takes three times as long to pickle and unpickle)."""

    data: bytes


def handed(tree, unread: frozenset[str],
           names: frozenset[str] | None = None) -> Handed:
    """``tree`` as ``to_xdm`` would hand it over, for ``run_strings_handed`` in another
    process; the tree keeps the line marks (its caller empties it next). ``names``:
    the element names of ``tree`` (``element_names``), found beforehand."""
    etree = _etree()
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    _mark_lines(root, unread, names)
    return Handed(etree.tostring(root, encoding="utf-8", xml_declaration=False))


def _mark_lines(root, unread: frozenset[str], names: frozenset[str] | None = None) -> list:
    """Each element of ``root`` given its source line (``LINE_ATTR``), but those named in
    ``unread``; the elements marked. ``names``: the element names of ``root``, when
    known (then only the elements of the names to mark are visited)."""
    if names is None:
        marked = [el for el in root.iter(_etree().Element) if el.sourceline and el.tag not in unread]
    else:
        wanted = names - unread
        marked = [el for el in root.iter(*wanted) if el.sourceline] if wanted else []
    for el in marked:
        el.set(LINE_ATTR, str(el.sourceline))
    return marked


def element_names(tree) -> frozenset[str]:
    """The names (Clark notation) of the elements of ``tree``."""
    etree = _etree()
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    return frozenset(el.tag for el in root.iter(etree.Element))


_SEPARATOR = "\x01"  # between run_strings' strings: no XML character


def strings_of(executable, call, context: str, *, path: str | None = None) -> Strings:
    """What ``call`` (a transformation of ``executable`` to a string) makes of a
    stylesheet whose result is ``xs:string*``, and its messages: the strings cross from
    Saxon in one piece, ``_SEPARATOR`` between them (``run_strings``), and are split
    here. The executable's output properties are cleared after."""
    executable.set_result_as_raw_value(True)
    executable.set_property("!method", "text")
    executable.set_property("!item-separator", _SEPARATOR)
    try:
        text = call_saxon(call, context, path=path)
    finally:
        executable.set_result_as_raw_value(False)
        warnings = _messages(executable)
        executable.clear_properties()
    return Strings(text.split(_SEPARATOR) if text else [], warnings)


def call_template_strings(stylesheet: str | os.PathLike, template: str, context,
                          params: dict | None = None, *, path: str | None = None) -> Strings:
    """A named template (``{namespace}local``) of a compiled stylesheet whose result is
    a sequence of strings, with the lxml tree ``context`` (or our own ``XmlText``) as
    the global context item and only ``params`` set (an empty result and one empty
    string are both ``[]``, as in ``run_strings``). It runs on a clone of the
    executable, which shares its compiled code: the executable's own transformations
    keep their settings."""
    sheet = compiled(stylesheet)
    if sheet.caller is None:
        sheet.caller = sheet.executable.clone()
    caller = sheet.caller
    if isinstance(context, XmlText):
        node = parse_text(sheet.processor, context.text, "cannot hand the context to Saxon",
                          path=path)
    else:
        node = to_xdm(sheet.processor, context, lines=False, path=path)
    _set_parameters(sheet.processor, caller, params)
    caller.set_global_context_item(xdm_item=node)
    caller.set_save_xsl_message(True, None)
    # (in one piece, as ``run_strings``: not a Saxon call per string)
    return strings_of(caller, lambda: caller.call_template_returning_string(template),
                      f"{Path(str(stylesheet)).name} failed", path=path)


LINES_TEMPLATE = "{urn:x-tei-edition}lines-unread"
_NO_TEMPLATE = "XTDE0040"  # (Saxon: no template of that name)


def lines_unread(stylesheet: str | os.PathLike) -> frozenset[str]:
    """The elements (Clark names) whose source line ``stylesheet`` never reads, as it
    declares them (its template ``LINES_TEMPLATE``: TEI local names; none declared,
    every line is read), asked once per process: a page reads the lines of unknown
    and skipped elements only (xslt/common/normalize.xsl), and the attribute on each
    of a 4 MB volume's 38,500 elements cost a tenth of a second to write and parse
    and more to normalise."""
    sheet = compiled(stylesheet)
    if sheet.unread is None:
        context = XmlText(f'<te:lines xmlns:te="{TE_NS}"/>')  # (no lxml needed: a worker)
        try:
            names = call_template_strings(stylesheet, LINES_TEMPLATE, context).strings
        except TransformError as exc:
            if _NO_TEMPLATE not in exc.message:
                raise
            names = []
        sheet.unread = frozenset(f"{{{TEI_NS}}}{name}" for name in names)
    return sheet.unread


def _prepared(stylesheet, document, params, path: str | None = None, dispose: bool = False):
    """The compiled stylesheet, its parameters set, and the document as Saxon's node
    (``document`` emptied then, with ``dispose``)."""
    sheet = compiled(stylesheet)
    executable = sheet.executable
    node = to_xdm(sheet.processor, document, path=path, restore=not dispose,
                  unread=lines_unread(stylesheet))
    if dispose:
        emptied(document)
    _set_parameters(sheet.processor, executable, params)
    executable.set_save_xsl_message(True, None)
    return sheet, node


def _set_parameters(proc, executable, params: dict | None) -> None:
    """``executable``'s parameters: only ``params`` (typed values, ``_xdm_value``)."""
    executable.clear_parameters()
    for name, value in (params or {}).items():
        executable.set_parameter(name, _xdm_value(proc, value))


def call_saxon(action, context: str, *, path: str | None = None):
    """Run one saxonche call with its stderr captured; a failure becomes a TransformError
    whose message says ``context`` and, when Saxon gave them, the code and location."""
    with captured_stderr() as stderr:
        try:
            return action()
        except Exception as exc:  # saxonche raises its own PySaxonApiError
            failure = exc
    raise as_transform_error(failure, context, stderr.text, path=path)


@dataclass(frozen=True)
class XmlText:
    """A stylesheet parameter that is XML ``text`` made by us (never a document's: no
    DOCTYPE), which Saxon parses as it is: a tree without line numbers."""

    text: str


_ESCAPED = re.compile(r'[&<>"\t\n\r]')  # what XML text (and a value in "") cannot hold as itself
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;",
            "\r": "&#13;"}


def escaped(value: str) -> str:
    """``value`` as XML text, or as an attribute value between double quotes (for
    ``XmlText`` written by hand)."""
    if _ESCAPED.search(value) is None:  # (most are)
        return value
    return _ESCAPED.sub(lambda match: _ESCAPES[match.group()], value)


def _xdm_value(proc, value):
    if isinstance(value, XmlText):
        return parse_text(proc, value.text, "cannot hand a parameter to Saxon")
    if isinstance(value, bool):
        return proc.make_boolean_value(value)
    if isinstance(value, int):
        return proc.make_integer_value(value)
    if isinstance(value, float):
        return proc.make_double_value(value)
    if isinstance(value, (str, os.PathLike)):
        return proc.make_string_value(str(value))
    etree = _etree()
    if isinstance(value, (etree._ElementTree, etree._Element)):
        return to_xdm(proc, value, lines=False)
    raise TypeError(f"unsupported stylesheet parameter type: {type(value).__name__}")


def _messages(executable) -> list[str]:
    values = executable.get_xsl_messages()
    if values is None:
        return []
    messages = [values.item_at(i).string_value for i in range(values.size)]
    executable.clear_xsl_messages()
    return messages


# Saxon's messages: "... on line 12 column 5 of file:/x/y.xsl:\n  CODE  description"
_LOCATION = re.compile(r"line (\d+)(?: column (\d+))? of (\S+?):?\s*$", re.M)
_CODE = re.compile(r"^\s+(?:\S+:)?([A-Z]{2,}[A-Z0-9]*\d+)\s+(.*)$", re.M)


_OWN_CODE = re.compile(r"^(TE\d{4}):?\s*(.*)$", re.S)


def as_transform_error(exc: Exception, context: str, stderr: str = "", *,
                        path: str | None = None) -> TransformError:
    """One clean line from Saxon's exception text and what it printed to stderr."""
    text = str(exc).strip()
    report = f"{text}\n{stderr}"
    code_match = _CODE.search(report)
    code = code_match.group(1) if code_match else None
    detail = text.splitlines()[0].strip() if text else (code_match.group(2).strip() if code_match else "")
    own = _OWN_CODE.match(detail)  # our own error() descriptions start with their code
    if own:
        code, detail = own.group(1), own.group(2)
    elif code and detail.startswith(code):
        detail = detail[len(code):].lstrip(" :")
    where = ""
    loc = _LOCATION.search(report)
    if loc:
        where = f" (at {Path(loc.group(3)).name} line {loc.group(1)})"
    message = f"{context}: {f'{code}: ' if code else ''}{detail}{where}"
    return TransformError(message, code=code, path=path)


class _Sink:
    text = ""


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                      if hasattr(signal, name))


@contextmanager
def signals_end_the_process():
    """For the length of a Saxon call, SIGINT (Ctrl-C), SIGTERM and SIGHUP end the
    process at once.

    saxonche keeps Python's interpreter lock for the whole of a call, so no Python
    signal handler can run until Saxon returns (a worker thread does not help: it holds
    the lock too); a transform of minutes would hold Ctrl-C for minutes. So the default
    action is restored meanwhile. Nothing is left behind: outputs are written only
    after Saxon returns (and atomically), the temporary files here have no name, and
    the Typst worker removes its own folder once its parent is gone (``typeset``)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {}
    for number in _STOP_SIGNALS:
        if signal.getsignal(number) not in (signal.SIG_IGN, None):
            saved[number] = signal.signal(number, signal.SIG_DFL)
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


@contextmanager
def captured_stderr():
    """Saxon prints its diagnostics (with locations) to file descriptor 2: keep them off
    the user's screen and hand them to the error mapping, which reports one clean line.
    Every Saxon call runs inside this block, so signals end the process meanwhile
    (``signals_end_the_process``). One thread at a time (a build reads ahead in a
    thread of its own): file descriptor 2 and ``_StderrFile`` are the process's."""
    sink = _Sink()
    with _CAPTURING, signals_end_the_process():
        try:
            saved = os.dup(2)
        except OSError:
            yield sink
            return
        with _redirected(saved, sink):
            yield sink


_CAPTURING = threading.RLock()  # (re-entered: a capture inside another has its own file)


_STDERR_HELD = 65536  # bytes of what Saxon printed that are read


class _StderrFile:
    """The file without a name that Saxon's stderr goes to, one per process, emptied
    after each call (a new file per call cost a worker two system calls more each time,
    and a read even when Saxon printed nothing, as it mostly does)."""

    fd: int | None = None
    pid = 0
    busy = False


@contextmanager
def _redirected(saved: int, sink: _Sink):
    shared = _StderrFile
    if shared.busy:  # inside another capture: a file of its own
        with tempfile.TemporaryFile() as handle:
            os.dup2(handle.fileno(), 2)
            try:
                yield sink
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                handle.seek(0)
                sink.text = handle.read(_STDERR_HELD).decode("utf-8", "replace")
        return
    if shared.fd is None or shared.pid != os.getpid():  # (a forked child has its own)
        with tempfile.TemporaryFile(buffering=0) as handle:
            shared.fd, shared.pid = os.dup(handle.fileno()), os.getpid()
    fd = shared.fd
    shared.busy = True
    try:
        os.dup2(fd, 2)
        try:
            yield sink
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if os.lseek(fd, 0, os.SEEK_CUR):  # Saxon printed something
                os.lseek(fd, 0, os.SEEK_SET)
                sink.text = os.read(fd, _STDERR_HELD).decode("utf-8", "replace")
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
    finally:
        shared.busy = False
