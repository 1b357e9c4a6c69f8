"""``tei-edition query``: XPath 3.1 (or XQuery 3.1) through Saxon over each file.

Documents are parsed by our safe parser and handed to a latched Saxon processor, so
an expression cannot open any URI (``doc()``, ``unparsed-text()``, ``collection()``
fail). ``tei:`` is bound to the TEI namespace.

saxonche's XPath processor reports errors without their code, its XQuery processor
with it (``XPST0003 Unexpected token``); so a failing XPath expression is run once
more as a query to name the error, and every error is one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tei_edition.publish import transform
from tei_edition.errors import InputError, TeiEditionError, UsageError, XmlSyntaxError
from tei_edition.xml.parse import TEI_NS, collect_xml_files, parse_file


@dataclass
class Item:
    """One result: its atomised value (typed for JSON), its text and its XML form."""

    value: object  # str | int | float | bool, a list (array) or a dict (map)
    text: str
    xml: str


@dataclass
class FileResult:
    path: str
    items: list[Item]
    error: TeiEditionError | None = None  # the file could not be read or parsed


def run(expr: str | None, paths, *, xquery: str | None = None) -> list[FileResult]:
    """Evaluate ``expr`` (XPath) or the query in file ``xquery`` over every file."""
    if (expr is None) == (xquery is None):
        raise UsageError("give either an XPath expression or --xquery FILE")
    query_text = _read_query(xquery) if xquery else None
    files = collect_xml_files(list(paths))
    if not files:
        raise UsageError("no XML files found in the PATHs given")
    proc = transform.sandboxed_processor()
    results = []
    for file in files:
        try:  # one unreadable or malformed file does not stop the batch
            tree = parse_file(file)
        except (InputError, XmlSyntaxError) as exc:
            results.append(FileResult(str(file), [], exc))
            continue
        node = transform.to_xdm(proc, tree, lines=False, path=str(file))
        if query_text is not None:
            value = _run_query(proc, query_text, node, str(file))
        else:
            value = _evaluate(proc, expr, node, str(file))
        results.append(FileResult(str(file), _items(value)))
    return results


def _read_query(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the query: {exc}", path=path) from None


def _evaluate(proc, expr: str, node, path: str):
    xpath = proc.new_xpath_processor()
    xpath.declare_namespace("tei", TEI_NS)
    xpath.set_context(xdm_item=node)
    with transform.captured_stderr():
        try:
            return xpath.evaluate(expr)
        except Exception as exc:  # saxonche's PySaxonApiError
            failure = str(exc)
    coded = _query(proc, expr, node)[1]  # the same expression as XQuery names the error
    raise _query_error(coded if coded and _CODE.search(coded) else failure, path)


def _run_query(proc, text: str, node, path: str):
    value, failure = _query(proc, text, node)
    if failure is not None:
        raise _query_error(failure, path)
    return value


def _query(proc, text: str, node):
    """(value, None) or (None, Saxon's error text)."""
    query = proc.new_xquery_processor()
    query.declare_namespace("tei", TEI_NS)
    query.set_query_content(text)
    with transform.captured_stderr():
        try:
            return query.run_query_to_value(input_xdm_item=node), None
        except Exception as exc:
            return None, str(exc)


_CODE = re.compile(r"\b([A-Z]{4}\d{4}|[A-Z][A-Z0-9]*\d+)\s{2,}(.+)")
_STATIC = ("XPST", "XQST")


def _query_error(text: str, path: str) -> UsageError:
    """One line: ``CODE message``; dynamic errors name the file they happened on."""
    match = _CODE.search(text)
    if match:
        message = f"{match.group(1)} {match.group(2).strip()}"
    else:
        message = " ".join(text.split()) or "the expression failed"
    if message.startswith(_STATIC):
        return UsageError(f"in the expression: {message}")
    return UsageError(message, path=path or None)


def _items(value) -> list[Item]:
    if value is None:
        return []
    return [_item(value.item_at(i)) for i in range(value.size)]


def _item(item) -> Item:
    """Atomic values and nodes atomise to one value; arrays and maps keep their shape
    in JSON and are shown in Saxon's adaptive notation as text."""
    if item.is_atomic:
        return Item(_atomic(item), item.string_value, item.string_value)
    if item.is_node:
        return Item(item.string_value, item.string_value, str(item))
    shown = " ".join(str(item).split())
    if item.is_array:
        return Item([_member(m) for m in item.as_list()], shown, str(item))
    if item.is_map:
        return Item({k.string_value: _member(item.get(k)) for k in item.keys()}, shown, str(item))
    return Item(shown, shown, shown)  # a function item: its name is all there is to show


def _member(value):
    values = [i.value for i in _items(value)]
    return values[0] if len(values) == 1 else values


def _atomic(item):
    kind = item.primitive_type_name.rpartition("}")[2]
    if kind == "boolean":
        return item.boolean_value
    if kind == "integer" or kind in _INTEGER_TYPES:
        return item.integer_value
    if kind in ("double", "float", "decimal"):
        number = item.double_value
        return number if number == number and abs(number) != float("inf") else item.string_value
    return item.string_value


_INTEGER_TYPES = {"long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
                  "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                  "unsignedShort", "unsignedByte"}
