"""Schematron schemas are untrusted input (issue 13): a schema cannot write a file,
read the environment, read a file outside the allowed folders or reach the network,
whether it tries by XSLT smuggled into the schema (refused by the screen, naming
file:line, exit 2) or by expressions in its rules (stopped where Saxon runs them: a
child process with a scrubbed environment, no URI allowed, result documents kept in
memory). Every case runs the real console script with HOME pointed at an empty folder,
a secret in the environment, and a listener on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES
from hostile_gen import TRACEBACK, Listener, run_cli

HOSTILE = FIXTURES / "schematron" / "hostile"
SECRET = "tei-sentinel-7f3a91"  # in the environment and in the files outside the tree
DOCUMENT = '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>\n'


@pytest.fixture
def world(tmp_path):
    """A received collection (``work/``), a secret folder beside it, an empty HOME,
    an empty sentinel folder that hostile stylesheets aim at, and a listener."""
    listener = Listener()
    home, sentinel, outside, work = (tmp_path / n for n in ("home", "sentinel", "outside", "work"))
    for folder in (home, sentinel, outside, work):
        folder.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "secret.xml").write_text(f"<pattern xmlns='http://purl.oclc.org/dsdl/schematron'>"
                                        f"<title>{SECRET}</title></pattern>")
    (outside / "secret.json").write_text(f'{{"k": "{SECRET}"}}')
    (work / "doc.xml").write_text(DOCUMENT)
    values = {"@SENTINEL@": sentinel.as_uri(), "@LISTENER@": listener.url,
              "@SECRET_URI@": (outside / "secret.txt").as_uri(),
              "@SECRET_XML_URI@": (outside / "secret.xml").as_uri(),
              "@SECRET_JSON_URI@": (outside / "secret.json").as_uri(),
              "@SECRET_DIR_URI@": outside.as_uri()}

    def schema(name: str, **calls: str) -> Path:
        text = (HOSTILE / name).read_text()
        for key, value in calls.items():
            text = text.replace(f"@{key}@", value.replace("'", "&apos;"))
        for key, value in values.items():
            text = text.replace(key, value)
        target = work / name
        target.write_text(text)
        return target

    def validate(*args: str):
        ran = run_cli(["validate", *args], cwd=work,
                      env={"HOME": str(home), "TEI_SENTINEL_SECRET": SECRET})
        assert TRACEBACK not in ran.stderr
        return ran

    world = type("World", (), dict(home=home, sentinel=sentinel, work=work, listener=listener,
                                   schema=staticmethod(schema), validate=staticmethod(validate)))
    yield world
    listener.close()
    assert list(home.iterdir()) == [], "a file appeared in HOME"
    assert list(sentinel.iterdir()) == [], "a hostile schema wrote a file"
    assert listener.connections == 0, "a schema reached the network"


REFUSED = {
    "refused-template.sch": (4, "xsl:template refused"),
    "refused-function-body.sch": (3, "xsl:function refused"),
    "refused-import.sch": (4, "xsl:import refused"),
    "refused-use-when.sch": (4, "xsl:use-when"),
    "refused-use-when-plain.sch": (4, "xsl:function with attribute use-when refused"),
    "refused-extension.sch": (8, "extension element"),
    "refused-key-content.sch": (4, "xsl:message refused"),
    "refused-instruction-in-rule.sch": (5, "xsl:result-document refused"),
    "include-outside.sch": (3, "outside the schema's folder"),
    "include-absolute.sch": (2, "outside the schema's folder"),
    "include-remote.sch": (2, "unavailable offline"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_schema_is_refused_naming_file_and_line(world, name):
    line, words = REFUSED[name]
    ran = world.validate("doc.xml", "--schematron", str(world.schema(name)))
    assert ran.code == 2, ran.stderr
    [message] = [m for m in ran.stderr.splitlines() if m.strip()]
    assert re.match(rf"^.*{re.escape(name)}:{line}: error: .*{re.escape(words)}", message), message
    assert SECRET not in ran.stdout + ran.stderr


@pytest.mark.slow
def test_a_document_that_is_its_own_hostile_schema_is_refused(world):
    target = world.work / "self-model.xml"
    target.write_text((HOSTILE / "self-model.xml").read_text())
    ran = world.validate("self-model.xml")
    assert ran.code == 2 and "self-model.xml:5: error: XSLT instruction xsl:template refused" in ran.stderr


def _reports(ran) -> dict[str, str]:
    """The finding of each report id (text output: ``path:line:col: sev: message [id]``)."""
    found = {}
    for line in ran.stdout.splitlines():
        match = re.search(r": (?:error|warning|info): (.*) \[([\w-]+)\]$", line)
        if match:
            found[match.group(2)] = match.group(1)
    return found


@pytest.mark.slow
def test_rules_cannot_read_the_environment(world):
    ran = world.validate("doc.xml", "--schematron", str(world.schema("runtime-environment.sch")))
    found = _reports(ran)
    assert found["env"].startswith("secret=[] home=[")
    assert "env-test" not in found  # environment-variable() gave nothing
    assert str(world.home) not in found["env"]
    assert SECRET not in ran.stdout + ran.stderr
    assert "TEI_SENTINEL_SECRET" not in found["env"]


@pytest.mark.slow
def test_rules_cannot_write_files_even_through_fn_transform(world):
    ran = world.validate("doc.xml", "--schematron", str(world.schema("runtime-transform-writes.sch")))
    assert _reports(ran)["ran"].startswith("ran:"), ran.stdout + ran.stderr
    # the world fixture checks that neither HOME nor the sentinel folder got a file


@pytest.mark.slow
def test_let_content_is_data_never_run(world):
    ran = world.validate("doc.xml", "--schematron", str(world.schema("runtime-let-data.sch")))
    assert _reports(ran)["data"] == "payload has 3 node"  # whitespace, the element, whitespace


READS = ["unparsed-text('@SECRET_URI@')", "string-join(unparsed-text-lines('@SECRET_URI@'))",
         "string(doc('@SECRET_XML_URI@'))", "string(json-doc('@SECRET_JSON_URI@')?k)",
         "string(collection('@SECRET_DIR_URI@?select=*.xml'))",
         "string(document('@SECRET_XML_URI@'))"]


@pytest.mark.slow
@pytest.mark.parametrize("call", READS, ids=lambda c: c.split("(")[-2][-14:])
def test_rules_cannot_read_files(world, call):
    ran = world.validate("doc.xml", "--schematron", str(world.schema("runtime-read.sch", CALL=call)))
    assert ran.code == 1
    assert re.search(r"doc.xml:1:1: error: a rule of runtime-read.sch failed", ran.stdout), ran.stdout
    assert SECRET not in ran.stdout + ran.stderr


@pytest.mark.slow
def test_availability_functions_see_nothing(world):
    ran = world.validate("doc.xml", "--schematron", str(world.schema("runtime-read-available.sch")))
    assert _reports(ran) == {"doc": "[false]", "text": "[false]", "remote": "[false]"}, ran.stdout


NETWORK = ["string(doc('@LISTENER@/d.xml'))", "unparsed-text('@LISTENER@/t.txt')",
           "string(json-doc('@LISTENER@/j.json'))", "count(collection('@LISTENER@/c'))",
           "count(transform(map{'stylesheet-location': '@LISTENER@/s.xsl'}))"]


@pytest.mark.slow
@pytest.mark.parametrize("call", NETWORK, ids=lambda c: c.split("(")[1][:14])
def test_rules_cannot_reach_the_network(world, call):
    ran = world.validate("doc.xml", "--schematron", str(world.schema("runtime-network.sch", CALL=call)))
    assert ran.code == 1 and "a rule of runtime-network.sch failed" in ran.stdout, ran.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", ["documents-outside.sch", "documents-remote.sch"])
def test_subordinate_documents_only_inside_the_allowed_folders(world, name):
    ran = world.validate("doc.xml", "--schematron", str(world.schema(name)))
    assert ran.code == 1
    assert re.search(r"doc.xml:1:1: error: .*(outside the schema's and the document's folders|"
                     r"unavailable offline)", ran.stdout), ran.stdout
    assert SECRET not in ran.stdout + ran.stderr


def test_result_documents_are_kept_in_memory_even_if_the_compiler_let_one_through(tmp_path):
    """Below the screen and the compiler: a generated stylesheet that does call
    xsl:result-document (as a compiler bug could make) still writes no file, and the
    worker's HOME stays empty."""
    from tei_edition.validation import schematron

    sentinel = tmp_path / "sentinel"
    sentinel.mkdir()
    xslt = f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:template match="/"><svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl"/>
        <xsl:result-document href="{sentinel.as_uri()}/bug" method="text">x</xsl:result-document>
        <xsl:result-document href="file://{{environment-variable('HOME')}}/.profile" method="text">x</xsl:result-document>
      </xsl:template></xsl:stylesheet>"""
    reply = schematron._worker.call({"op": "compile", "xslt": xslt})
    assert "error" not in reply
    reply = schematron._worker.call({"op": "run", "key": reply["key"], "document": DOCUMENT})
    assert "schematron-output" in reply["svrl"]
    assert list(sentinel.iterdir()) == []
    assert list(Path(schematron._worker.home).iterdir()) == []


@pytest.mark.slow
def test_the_worker_stops_and_cleans_up_when_its_parent_is_killed(tmp_path):
    """SIGKILL to the command: the Schematron worker goes too, and its private HOME."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from tei_edition.validation import schematron\n"
        "schematron._worker.start()\n"
        "schematron._worker.call({'op': 'compile', 'xslt': \"<xsl:stylesheet version='3.0' "
        "xmlns:xsl='http://www.w3.org/1999/XSL/Transform'/>\"})\n"
        "print(schematron._worker.process.pid, schematron._worker.home, flush=True)\n"
        "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pid, home = parent.stdout.readline().split()
    assert Path(home).is_dir()
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(100):
        gone = not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
        if gone and not Path(home).exists():
            break
        time.sleep(0.05)
    assert gone, "the worker outlived its parent"
    assert not Path(home).exists(), "the worker's HOME was left behind"


@pytest.mark.slow
def test_a_rule_that_runs_forever_is_stopped_at_the_time_limit(tmp_path):
    (tmp_path / "doc.xml").write_text(DOCUMENT)
    ran = run_cli(["validate", "doc.xml", "--schematron", str(HOSTILE / "runtime-endless.sch")],
                  cwd=tmp_path, env={"TEI_EDITION_SCHEMATRON_SECONDS": "2"}, timeout=60)
    assert ran.code == 1 and TRACEBACK not in ran.stderr
    assert "ran over the time limit of 2 s (set TEI_EDITION_SCHEMATRON_SECONDS=SECONDS" in ran.stdout
