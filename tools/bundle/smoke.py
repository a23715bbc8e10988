"""Build the PyInstaller bundle and smoke-test it: `python tools/bundle/smoke.py [--no-build]`.

Runs the bundled executable outside the checkout on a fresh $ZHIDA_HOME: `--startup-report` (the
window offscreen, first index built, first search), `validate` and `search`; prints the bundle size.
Exit 1 when any step fails. CI runs it on Windows and Linux (.github/workflows/ci.yml).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
DIST = REPO / "build" / "dist"


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    if "--no-build" not in sys.argv:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                str(REPO / "tools" / "bundle" / "zhida.spec"),
                "--noconfirm",
                "--distpath",
                str(DIST),
                "--workpath",
                str(REPO / "build" / "pyinstaller"),
            ],
            check=True,
        )
    exe = DIST / "zhida" / ("zhida.exe" if os.name == "nt" else "zhida")
    with tempfile.TemporaryDirectory(prefix="zhida-bundle-") as home:
        env = dict(os.environ, ZHIDA_HOME=home, QT_QPA_PLATFORM="offscreen")
        env.pop("PYTHONPATH", None)

        def run(*args):
            return subprocess.run(
                [str(exe), *args],
                env=env,
                cwd=home,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=300,
            )

        report = run("--startup-report")
        lines = [line for line in report.stdout.splitlines() if line.startswith("{")]
        if report.returncode != 0 or not lines:
            print(f"--startup-report failed ({report.returncode}): {report.stderr[-2000:]}")
            return 1
        startup = json.loads(lines[-1])
        validate = run("validate")
        search = run("search", "退款", "--limit", "1", "--json")
        ok = validate.returncode == 0 and search.returncode == 0 and "退款" in search.stdout
    size = folder_size(exe.parent)
    print(
        json.dumps(
            {
                "startup": startup,
                "validate_ok": validate.returncode == 0,
                "search_ok": ok,
                "bundle_mb": round(size / 2**20, 1),
            },
            ensure_ascii=False,
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
