"""`zhida doctor`: check a newcomer's machine and say how to fix each problem.

Checks the Qt platform plugin (and on Linux the system libraries it needs), a Chinese font, the
$ZHIDA_HOME folder, the content root, the search index and the team's shared folder. Qt is tried in a
child process: a missing plugin makes Qt abort the process that loads it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from app.commands.common import add_content_option, print_json
from app.core.paths import is_content_root, zhida_home
from app.core.settings import load_settings, resolve_content_root

OK, WARN, FAIL = "ok", "warning", "error"
MARKS = {OK: "✔", WARN: "⚠", FAIL: "✖"}
# Libraries Qt's xcb plugin loads, by the Debian/Ubuntu package that has them.
XCB_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11-xcb.so.1": "libx11-xcb1",
}
QT_PROBE = """
import json, sys
from PySide6.QtGui import QFontDatabase, QGuiApplication
app = QGuiApplication(sys.argv[:1])
families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
families = sorted(families, key=lambda f: ("SC" not in f and "Hei" not in f and "YaHei" not in f, f))
print(json.dumps({"platform": app.platformName(), "cjk": families[:5]}))
"""


@dataclass
class Check:
    """One check: what, how it went, what was found and how to fix it."""

    name: str
    level: str
    detail: str
    fix: str = ""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `doctor` subcommand."""
    parser = sub.add_parser("doctor", help="检查本机:Qt 插件、中文字体、索引、知识库、共享文件夹,并给出修复方法")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)  # the child that tries Qt
    add_content_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run every check, print each with its fix; exit 1 when any check failed."""
    if args.qt_probe:
        exec(QT_PROBE, {})  # runs in the child process only: Qt may abort it
        return 0
    home = zhida_home()
    checks = [*qt_checks(), home_check(home)]
    root = resolve_content_root(getattr(args, "content", None))
    checks.append(content_check(root))
    checks.append(index_check(root, home))
    checks.append(share_check(load_settings()[0].shared_folder))
    if args.json:
        print_json({"checks": [asdict(c) for c in checks], "ok": all(c.level != FAIL for c in checks)})
    else:
        for c in checks:
            print(f"{MARKS[c.level]} {c.name}:{c.detail}")
            if c.fix:
                print(f"    修复:{c.fix}")
        failed = sum(c.level == FAIL for c in checks)
        warned = sum(c.level == WARN for c in checks)
        print(f"{len(checks)} 项检查:{failed} 项失败,{warned} 项提醒" if failed or warned else "一切正常")
    return 1 if any(c.level == FAIL for c in checks) else 0


def _qt_plugin_dir() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms"


def missing_xcb_libraries() -> list[str]:
    """The system libraries Qt's xcb plugin needs but cannot find (Linux, via ldd)."""
    plugins = _qt_plugin_dir()
    if plugins is None or not shutil.which("ldd"):
        return []
    missing: set[str] = set()
    candidates = [plugins / "libqxcb.so", plugins.parent.parent / "lib" / "libQt6XcbQpa.so.6"]
    for lib in (p for p in candidates if p.exists()):
        try:
            out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        missing.update(re.findall(r"^\s*(\S+) => not found", out, re.MULTILINE))
    return sorted(missing)


def qt_checks() -> list[Check]:
    """The Qt platform plugin and a Chinese font."""
    if _qt_plugin_dir() is None:
        return [Check("Qt", FAIL, "PySide6 未安装", 'pip install "PySide6-Essentials>=6.6"(或重新安装知答)')]
    checks: list[Check] = []
    if sys.platform.startswith("linux"):
        missing = missing_xcb_libraries()
        if missing:
            packages = sorted({XCB_PACKAGES.get(lib, lib) for lib in missing})
            checks.append(
                Check(
                    "Qt 平台插件 (xcb)",
                    FAIL,
                    f'缺少系统库 {", ".join(missing)},窗口无法打开(Could not load the Qt platform plugin "xcb")',
                    f"sudo apt install {' '.join(packages)}",
                )
            )
        elif not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            checks.append(
                Check("Qt 平台插件", WARN, "没有图形桌面 (DISPLAY 未设置):命令行可用,窗口需要在桌面里打开", "")
            )
        else:
            checks.append(Check("Qt 平台插件 (xcb)", OK, "所需系统库齐全"))
    probe = _run_probe()
    if probe is None:
        checks.append(Check("中文字体", WARN, "无法检查(Qt 启动失败)", "先修复上面的 Qt 问题"))
    elif probe["cjk"]:
        checks.append(Check("中文字体", OK, "、".join(probe["cjk"][:3])))
    else:
        fix = {
            "win32": "安装“微软雅黑”或“思源黑体 (Source Han Sans SC)”",
            "darwin": "系统自带“苹方”;若被删除请在“字体册”中恢复",
        }.get(sys.platform, "sudo apt install fonts-noto-cjk")
        checks.append(Check("中文字体", FAIL, "没有找到简体中文字体:界面会显示方块", fix))
    return checks


def _run_probe() -> dict | None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # fonts do not need a screen
    try:
        proc = subprocess.run(
            [sys.executable, *([] if getattr(sys, "frozen", False) else ["-m", "app"]), "doctor", "--qt-probe"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def home_check(home: Path) -> Check:
    """$ZHIDA_HOME exists (or can be made) and is writable."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            "数据文件夹 (ZHIDA_HOME)", FAIL, f"{home} 无法写入 ({exc.strerror or exc})", "检查权限,或设置 ZHIDA_HOME"
        )
    return Check("数据文件夹 (ZHIDA_HOME)", OK, str(home))


def content_check(root: Path) -> Check:
    """The content root exists, holds kb/ or scripts_library/, and loads without errors."""
    if not root.is_dir():
        return Check("知识库", FAIL, f"{root} 不存在", "在 设置 › 知识库文件夹 中选择,或用 --content 指定")
    if not is_content_root(root):
        return Check("知识库", FAIL, f"{root} 里没有 kb/ 或 scripts_library/", "选择含这两个文件夹的知识库文件夹")
    from app.core.content.loader import load_content

    content = load_content(root)
    if content.errors:
        return Check(
            "知识库",
            WARN,
            f"{root}:{len(content.articles)} 篇文章,{len(content.errors)} 个内容错误",
            f"zhida validate --content {root}",
        )
    return Check("知识库", OK, f"{root}:{len(content.articles)} 篇文章,{len(content.scripts)} 条话术")


def index_check(root: Path, home: Path) -> Check:
    """The search index of `root` exists, is of this version and opens."""
    from app.core.search.index import SCHEMA_VERSION
    from app.core.search.store import index_dir, live_meta

    folder, meta = live_meta(index_dir(root, home))  # the generation being searched (docs/search.md)
    if folder is None or meta is None:
        return Check("搜索索引", WARN, "尚未建立(首次打开窗口时会自动建立)", "zhida index")
    if meta.get("schema_version") != SCHEMA_VERSION:
        return Check("搜索索引", WARN, "来自旧版本,打开时会重建", "zhida index --rebuild")
    try:
        from whoosh import index as windex

        with windex.open_dir(str(folder)).searcher() as searcher:
            docs = searcher.doc_count()
    except Exception as exc:
        return Check("搜索索引", FAIL, f"{folder} 损坏 ({type(exc).__name__})", "zhida index --rebuild")
    return Check("搜索索引", OK, f"{docs} 条,位于 {folder}")


def share_check(shared: str) -> Check:
    """The team's shared folder, when one is set: reachable and writable."""
    if not shared.strip():
        return Check("团队共享文件夹", OK, "未设置(不同步)")
    folder = Path(shared).expanduser()
    if not folder.is_dir():
        return Check(
            "团队共享文件夹", FAIL, f"{folder} 无法访问", "检查网络盘是否已连接,或在 设置 › 团队共享文件夹 中重新选择"
        )
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".zhida-doctor-"):
            pass
    except OSError as exc:
        return Check(
            "团队共享文件夹",
            FAIL,
            f"{folder} 不能写入 ({exc.strerror or exc})",
            "请管理员给团队组读写权限(chmod -R g+rwX,或 Windows 共享权限“更改”)",
        )
    return Check("团队共享文件夹", OK, f"{folder} 可读写")
