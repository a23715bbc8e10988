"""Build the wheel, install it into a fresh venv outside the checkout, and use it as an agent would.

    python tools/wheel_smoke.py        (run by .ci/run; prints what each command answered)

Fails (exit 1) unless the installed app validates the bundled content (69+ articles), finds 退款, and
flags both 我不知道 and a phone number in a reply — what a wheel without its package data got wrong.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zhida-wheel-") as tmp:
        tmp_path = Path(tmp)
        built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(REPO)])
        if built.returncode:
            print(built.stdout, built.stderr)
            return 1
        wheel = next((tmp_path / "dist").glob("zhida-*.whl"))
        venv.create(tmp_path / "venv", with_pip=True)
        bindir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
        python = bindir / ("python.exe" if os.name == "nt" else "python")
        installed = _run([str(python), "-m", "pip", "install", "-q", str(wheel)])
        if installed.returncode:
            print(installed.stdout, installed.stderr)
            return 1
        env = {**os.environ, "ZHIDA_HOME": str(tmp_path / "home")}
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        zhida = [str(python), "-m", "app"]
        failures = []

        validate = _run([*zhida, "validate", "--json"], cwd=outside, env=env)
        report = json.loads(validate.stdout or "{}")
        articles = report.get("articles", 0)
        print(f"zhida validate: exit {validate.returncode}, {articles} articles, {report.get('scripts', 0)} scripts")
        if articles < 69:
            failures.append(f"validate found {articles} articles")

        search = _run([*zhida, "search", "退款", "--json"], cwd=outside, env=env)
        hits = json.loads(search.stdout or "{}").get("hits", [])
        first = hits[0]["title"] if hits else "-"
        print(f"zhida search 退款: exit {search.returncode}, {len(hits)} hits, first: {first}")
        if not hits:
            failures.append("search 退款 found nothing")

        check = _run([*zhida, "check", "-", "--json"], cwd=outside, env=env, input="我不知道，你打我电话13812345678")
        rules = sorted({f["rule"] for f in json.loads(check.stdout or "{}").get("findings", [])})
        print(f"zhida check: exit {check.returncode}, rules: {', '.join(rules)}")
        evasive = any("know" in r or "evasive" in r for r in rules)
        if not evasive or not any("phone" in r or "mobile" in r for r in rules):
            failures.append(f"check missed 我不知道 or the phone number ({rules})")
        if check.returncode != 1:
            failures.append("check did not exit 1 on error-level findings")
        for failure in failures:
            print(f"wheel smoke test FAILED: {failure}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
