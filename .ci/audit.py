"""Dependency audit: pip-audit over the packages installed in this environment, and an honest account of it.

pip-audit asks an advisory service about each package. Where that service cannot be reached it skips the
package ("not found on PyPI") and still prints "No known vulnerabilities found" — a pass that audited nothing
(security probe 2026-12-01, I5). This script counts what was really audited and says so loudly:

- known vulnerabilities: each is listed and the exit code is 1 (CI fails: a real finding);
- packages that could not be audited (service unreachable, pip-audit missing, broken or too slow): a banner
  saying AUDIT SKIPPED and what was skipped, exit code 0 — a network problem never fails CI — or 3 with
  ``--strict`` (for a release checklist run where the service is reachable);
- everything audited and clean: one line saying how many packages were audited.

    python .ci/audit.py [--strict] [--timeout 300]      (make audit)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

SKIPPED_EXIT = 3


def banner(lines: list[str]) -> None:
    print("!" * 100)
    for line in lines:
        for part in textwrap.wrap(line, 96):
            print(f"! {part}")
    print("!" * 100, flush=True)


def run_pip_audit(timeout: float) -> tuple[dict | None, str]:
    """pip-audit's JSON report, or None and the reason it could not be had."""
    command = [sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--format", "json",
               "--progress-spinner", "off"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"pip-audit did not finish in {timeout:.0f} s"
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if "No module named pip_audit" in done.stderr:
            last = "pip-audit is not installed (make install-test installs it)"
        return None, f"pip-audit exited {done.returncode}: {last[:300]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strict", action="store_true", help=f"Exit {SKIPPED_EXIT} when anything was not audited.")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    skipped_exit = SKIPPED_EXIT if args.strict else 0

    report, problem = run_pip_audit(args.timeout)
    if report is None:
        banner(["DEPENDENCY AUDIT SKIPPED: nothing was audited.", problem,
                "Run `make audit` where pip-audit's advisory service is reachable."])
        return skipped_exit
    # The project itself (installed editable) is not on PyPI by design: it is not counted either way.
    dependencies = [d for d in report.get("dependencies", []) if d.get("skip_reason") != "distribution marked as editable"]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]

    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']} {dep.get('version', '?')}: {vuln.get('id')} (fixed in {fixes})")
    if skipped:
        unreachable = sum("not found on PyPI" in d["skip_reason"] for d in skipped)
        lines = [f"DEPENDENCY AUDIT {'SKIPPED' if not audited else 'INCOMPLETE'}: "
                 f"{len(skipped)} of {len(dependencies)} installed packages could not be audited.",
                 f"{unreachable} were reported 'not found on PyPI': pip-audit's advisory service is not "
                 f"reachable from here." if unreachable else "",
                 "Not audited: " + ", ".join(sorted(d["name"] for d in skipped)),
                 "Run `make audit` where pip-audit's advisory service is reachable."]
        banner([line for line in lines if line])
    print(f"pip-audit: {len(audited)} of {len(dependencies)} installed packages audited, "
          f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities, {len(skipped)} not audited.")
    if vulnerable:
        return 1
    return skipped_exit if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
