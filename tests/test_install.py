"""The wheel carries its stylesheets and schemas: a plain ``pip install .`` into a new
virtual environment works from another folder, without the source tree."""

from __future__ import annotations

import os
import subprocess
import venv

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(ROOT)], check=True,
                   capture_output=True, timeout=600)
    return env_dir / "bin"


def _run(bin_dir, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([bin_dir / "tei-edition", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=120)


def test_installed_cli_runs_from_another_folder(installed, tmp_path):
    version = _run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and "tei-edition" in version.stdout
    assert _run(installed, "--help", cwd=tmp_path).returncode == 0


def test_installed_package_finds_its_resources_in_site_packages(installed, tmp_path):
    doctor = _run(installed, "doctor", cwd=tmp_path)
    assert doctor.returncode == 0, doctor.stderr
    line = next(l for l in doctor.stdout.splitlines() if "stylesheets and schemas" in l)
    assert "site-packages" in line and "_data" in line
    assert str(ROOT) not in line
