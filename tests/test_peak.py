"""A child process's peak memory is its own, not its parent's (``publish.peak``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tei_edition.publish.peak import own_peak

MB = 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
def test_a_child_reports_its_own_peak_not_the_memory_of_the_process_that_started_it():
    ballast = bytearray(400 * MB)
    for i in range(0, len(ballast), 4096):  # resident, not only reserved
        ballast[i] = 1
    assert own_peak() > 400 * MB
    # (a child's ru_maxrss would say more than 400 MB here: Linux keeps the parent's
    # memory in it across exec)
    child = subprocess.run(
        [sys.executable, "-c", "from tei_edition.publish.peak import own_peak\nprint(own_peak())"],
        capture_output=True, text=True, check=True)
    assert int(child.stdout) < 100 * MB
    del ballast
