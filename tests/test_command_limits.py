"""Every command that does work has time and memory bounds that hold (issue 13):
``--max-memory SIZE`` and ``--timeout SECONDS``, the error naming the limit and the
option, the work stopped with every process it started. Real subprocesses."""

from __future__ import annotations

import os
import uuid

import pytest

from conftest import DOSSIER
from hostile_gen import TRACEBACK, good_document, run_cli, tei

BOUNDED = [
    ["validate"], ["query"], ["entities", "list"], ["entities", "show"], ["entities", "check"],
    ["entities", "cooccur"], ["export", "html"], ["export", "pdf"], ["export", "text"], ["build"],
]

# Counting two thousand million strings: minutes of work in constant memory.
ENDLESS = "count((1 to 2000000000) ! string(.))"
# A hundred million strings held at once: many gigabytes.
HUGE = "array { (1 to 100000000) ! string(.) }"


@pytest.fixture
def marked(tmp_path):
    """An environment whose processes can be found again (``/proc/*/environ``), and
    whose temporary folder is ``tmp_path/tmp``."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    mark = f"TEI_EDITION_TEST_MARK={uuid.uuid4().hex}"
    return {"TMPDIR": str(tmp), mark.split("=")[0]: mark.split("=")[1]}, mark.encode(), tmp


def _survivors(mark: bytes) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if mark in handle.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            continue
    return found


def _stopped(ran, limit: str, option: str, progress: bool = False) -> None:
    """One error line naming the limit and the option, nothing on stdout (``build``'s
    progress and summary excepted: ``progress``)."""
    assert ran.code == 1, str(ran)
    assert TRACEBACK not in ran.output, str(ran)
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, str(ran)
    assert limit in lines[0] and f"({option} lifts it)" in lines[0], str(ran)
    assert progress or ran.stdout == "", str(ran)


@pytest.mark.parametrize("words", BOUNDED, ids=" ".join)
def test_every_command_that_works_shows_both_options(words):
    ran = run_cli([*words, "--help"])
    assert ran.code == 0, str(ran)
    assert "--max-memory SIZE" in ran.stdout and "--timeout SECONDS" in ran.stdout, str(ran)
    assert "[default: 2G]" in " ".join(ran.stdout.split()), str(ran)


def test_doctor_has_no_limits():
    ran = run_cli(["doctor", "--help"])
    assert ran.code == 0 and "--max-memory" not in ran.stdout, str(ran)


def test_a_query_that_never_ends_is_stopped_at_its_time_limit(marked):
    env, mark, tmp = marked
    ran = run_cli(["query", ENDLESS, str(DOSSIER), "--timeout", "3"], env=env, timeout=120)
    _stopped(ran, "time limit of 3 s", "--timeout")
    assert _survivors(mark) == []
    assert list(tmp.iterdir()) == []  # the worker's temporary folder went with it


def test_an_xquery_that_never_ends_is_stopped_too(tmp_path, marked):
    env, mark, _ = marked
    endless = tmp_path / "endless.xq"
    endless.write_text("declare function local:on($n) { local:on($n + 1) };\nlocal:on(1)",
                       encoding="utf-8")
    ran = run_cli(["query", "--xquery", str(endless), str(DOSSIER), "--timeout", "2"], env=env,
                  timeout=120)
    _stopped(ran, "time limit of 2 s", "--timeout")
    assert _survivors(mark) == []


def test_a_query_that_builds_a_huge_sequence_is_stopped_at_its_memory_limit(marked):
    env, mark, tmp = marked
    ran = run_cli(["query", HUGE, str(DOSSIER), "--max-memory", "300M"], env=env, timeout=120,
                  measure=True)
    _stopped(ran, "memory limit of 300 MB", "--max-memory")
    assert ran.max_rss_mb < 900, ran.max_rss_mb  # the limit held (a few ticks of growth)
    assert _survivors(mark) == []
    assert list(tmp.iterdir()) == []


def test_validate_with_rules_that_never_end_is_stopped(tmp_path, marked):
    env, mark, _ = marked
    rules = tmp_path / "endless.sch"
    rules.write_text(f"""<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern><rule context="tei:TEI"><assert test="{ENDLESS} gt 0">never decided</assert></rule></pattern>
</schema>""", encoding="utf-8")
    document = tmp_path / "letter.xml"
    document.write_text(good_document(), encoding="utf-8")
    ran = run_cli(["validate", str(document), "--schematron", str(rules), "--timeout", "3"],
                  env=env, timeout=120)
    _stopped(ran, "time limit of 3 s", "--timeout")
    assert _survivors(mark) == []


@pytest.mark.parametrize("words", [["entities", "list"], ["entities", "show", "someone"],
                                   ["entities", "check"], ["entities", "cooccur"],
                                   ["validate"], ["query", "1"], ["export", "html"],
                                   ["export", "pdf"], ["export", "text"], ["build"]], ids=" ".join)
def test_a_memory_limit_below_what_any_run_needs_stops_each_command(words, marked, tmp_path):
    """The bound holds for every command, even one too small for the worker to start:
    one failure, not a worker restarted for ever, and no output."""
    env, mark, _ = marked
    out = tmp_path / "out"
    target = ["-o", str(out)] if words[0] in ("export", "build") else []
    ran = run_cli([*words, str(DOSSIER), *target, "--max-memory", "5M"], env=env, timeout=120)
    _stopped(ran, "memory limit of 5 MB", "--max-memory", progress=words == ["build"])
    assert _survivors(mark) == []
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert [p for p in written if not p.name.startswith(".")] == [], written


def test_text_to_standard_output_is_bounded_too(marked):
    """``export text -o -`` renders in the bounded worker as ``-o FILE`` does."""
    env, mark, _ = marked
    ran = run_cli(["export", "text", str(DOSSIER), "-o", "-", "--max-memory", "5M"], env=env, timeout=120)
    _stopped(ran, "memory limit of 5 MB", "--max-memory")
    assert _survivors(mark) == []
    ran = run_cli(["export", "text", str(DOSSIER), "-o", "-"], env=env, timeout=120)
    assert ran.code == 0 and len(ran.stdout) > 1000 and TRACEBACK not in ran.output, str(ran)


def test_limits_lifted_the_same_command_answers():
    ran = run_cli(["query", "count((1 to 100000) ! string(.))", str(DOSSIER),
                   "--timeout", "60", "--max-memory", "1G"])
    assert ran.code == 0 and ran.stdout == "100000\n", str(ran)


def test_library_errors_come_back_through_the_worker_unchanged(tmp_path):
    """The same one-line error and exit code as when the library ran in-process."""
    broken = tmp_path / "broken.xml"
    broken.write_text(tei("<p>unclosed</div>"), encoding="utf-8")
    ran = run_cli(["entities", "list", str(broken)])
    assert ran.code == 1 and TRACEBACK not in ran.output, str(ran)
    assert ran.stderr.startswith(f"{broken}:") and " error: " in ran.stderr, str(ran)
    ran = run_cli(["query", "1 +", str(DOSSIER)])
    assert ran.code == 2 and ran.stderr.startswith("error: in the expression: XPST0003"), str(ran)
    ran = run_cli(["validate", str(tmp_path / "missing.xml")])
    assert ran.code == 2 and TRACEBACK not in ran.output, str(ran)
