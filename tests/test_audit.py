"""The dependency audit never passes silently: a pip-audit run that audited nothing says so (probe I5)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from .conftest import ROOT


@pytest.fixture()
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys, "argv", ["audit.py"])
    return module


def deps(*entries: dict) -> dict:
    return {"dependencies": [{"name": "press-archive", "skip_reason": "distribution marked as editable"}, *entries]}


NOT_FOUND = {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"}


def test_an_audit_that_could_reach_nothing_is_a_loud_skip_not_a_pass(audit, monkeypatch, capsys):
    """What the probe saw: every package 'not found on PyPI', and pip-audit said 'No known vulnerabilities'."""
    monkeypatch.setattr(audit, "run_pip_audit", lambda timeout: (deps(NOT_FOUND), ""))
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "DEPENDENCY AUDIT SKIPPED" in out and "0 of 1 installed packages audited" in out and "flask" in out
    monkeypatch.setattr(sys, "argv", ["audit.py", "--strict"])
    assert audit.main() == audit.SKIPPED_EXIT


def test_pip_audit_missing_or_broken_is_a_loud_skip(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "run_pip_audit", lambda timeout: (None, "pip-audit exited 1: ConnectionError"))
    assert audit.main() == 0
    assert "DEPENDENCY AUDIT SKIPPED: nothing was audited." in capsys.readouterr().out


def test_a_known_vulnerability_fails_and_is_named(audit, monkeypatch, capsys):
    vulnerable = {"name": "werkzeug", "version": "3.0.0", "vulns": [{"id": "GHSA-q34m-jh98-gwm2", "fix_versions": ["3.0.6"]}]}
    monkeypatch.setattr(audit, "run_pip_audit", lambda timeout: (deps(vulnerable, {"name": "click", "version": "8", "vulns": []}), ""))
    assert audit.main() == 1
    out = capsys.readouterr().out
    assert "VULNERABLE werkzeug 3.0.0: GHSA-q34m-jh98-gwm2 (fixed in 3.0.6)" in out
    assert "2 of 2 installed packages audited, 1 known vulnerabilities, 0 not audited" in out
