"""No command ever opens a connection: a socket listening on 127.0.0.1 is named in
every place a TEI document can hold a URL (xml-model, xml-stylesheet, DOCTYPE,
external and parameter entities, XInclude, @facs, @url, @target, @ref, @sameAs,
xsi:schemaLocation, idno) and must see no connection, from our parser or Saxon's."""

from __future__ import annotations

import socket

import pytest

from hostile_gen import (TRACEBACK, Listener, command_params, files_under,
                         network_document, network_entity_documents, run_cli)


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_the_listener_sees_a_connection(listener):
    """The control: a connection to it is counted (so zero below means none was made)."""
    with socket.create_connection(("127.0.0.1", listener.port), timeout=20):
        pass
    import time

    # the listener's thread counts it when it is scheduled: on a loaded machine, late
    deadline = time.monotonic() + 20
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections == 1


@pytest.mark.parametrize("command, xinclude", [  # the fast tier: each command once
    pytest.param(*param.values, xinclude, id=f"{param.id}-{name}", marks=param.marks)
    for xinclude, name, fast in [
        (False, "default", ("validate", "export-html", "export-pdf", "entities-list",
                            "entities-check", "entities-cooccur", "query")),
        (True, "xinclude", ("export-text", "build"))]
    for param in command_params(fast=fast)])
def test_no_command_opens_a_connection(command, xinclude, listener, tmp_path):
    documents = {"everywhere": network_document(listener.url),
                 **network_entity_documents(listener.url)}
    paths = []
    for name, text in documents.items():
        path = tmp_path / "in" / f"{name}.xml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    # a batch command reads them all in one run (query stops at the first refused one)
    groups = [paths] if command.batch and command.name != "query" else [[p] for p in paths]
    for index, group in enumerate(groups):
        out = tmp_path / f"out{index}"
        out.mkdir()
        argv = command.argv(group, out) + (["--xinclude"] if xinclude else [])
        ran = run_cli(argv, timeout=60)
        assert TRACEBACK not in ran.output and "internal error" not in ran.output, str(ran)
        assert ran.code in (0, 1), str(ran)
        assert listener.connections == 0, f"{command} opened a connection\n{ran}"


def test_a_document_naming_the_listener_still_exports(listener, tmp_path):
    """Nothing is fetched, and nothing fails for want of it: the words are there."""
    path = tmp_path / "doc.xml"
    path.write_text(network_document(listener.url), encoding="utf-8")
    ran = run_cli(["export", "text", str(path), "-o", str(tmp_path / "out.txt")])
    assert ran.code == 0, str(ran)
    assert "Networkword" in (tmp_path / "out.txt").read_text("utf-8")
    assert listener.connections == 0


def test_saxon_parser_never_resolves_dtds_or_entities(listener, tmp_path):
    """Our documents reach Saxon as text without a DOCTYPE; were one to arrive, Saxon's
    own parser is configured to load no external DTD or entity either."""
    from tei_edition.publish import transform

    secret = tmp_path / "secret.txt"
    secret.write_text("SENTINEL-SAXON", encoding="utf-8")
    texts = [f'<!DOCTYPE a SYSTEM "{listener.url}/a.dtd"><a/>',
             f'<!DOCTYPE a [<!ENTITY x SYSTEM "{listener.url}/x">]><a>&x;</a>',
             f'<!DOCTYPE a [<!ENTITY % p SYSTEM "{listener.url}/p"> %p;]><a/>',
             f'<!DOCTYPE a [<!ENTITY x SYSTEM "{secret.as_uri()}">]><a>&x;</a>']
    for latched in (True, False):
        proc = transform.sandboxed_processor(latched=latched)
        for text in texts:
            with transform.captured_stderr():
                try:
                    node = proc.parse_xml(xml_text=text)
                except Exception as exc:  # refusing is as good as ignoring
                    assert "SENTINEL" not in str(exc)
                else:
                    assert "SENTINEL" not in str(node)
    assert listener.connections == 0


def test_stylesheet_functions_cannot_reach_the_network(listener, tmp_path):
    """doc(), unparsed-text() and collection() on a document's URL are refused."""
    from tei_edition.publish import transform
    from tei_edition.errors import TransformError
    from tei_edition.xml.parse import parse_bytes

    for call in ("doc(string(/a/@href))", "unparsed-text(string(/a/@href))",
                 "collection(string(/a/@href))", "doc-available(string(/a/@href))"):
        sheet = tmp_path / f"s{abs(hash(call))}.xsl"
        sheet.write_text('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                         '<xsl:output method="text"/><xsl:template match="/">'
                         f'<xsl:value-of select="{call}"/></xsl:template></xsl:stylesheet>')
        doc = parse_bytes(f'<a href="{listener.url}/doc.xml"/>'.encode())
        try:
            transform.run(sheet, doc)
        except TransformError:
            pass
    assert listener.connections == 0


def test_query_functions_cannot_reach_the_network(listener, tmp_path):
    path = tmp_path / "doc.xml"
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"/>', encoding="utf-8")
    for expr in (f"doc('{listener.url}/x.xml')", f"unparsed-text('{listener.url}/x')",
                 f"json-doc('{listener.url}/x.json')", f"doc-available('{listener.url}/x')"):
        ran = run_cli(["query", expr, str(path)])
        assert TRACEBACK not in ran.output and "internal error" not in ran.output, str(ran)
        assert ran.code != 0 or ran.stdout.strip() == "false", str(ran)
    assert listener.connections == 0
    assert files_under(tmp_path) == {path}
