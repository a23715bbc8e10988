"""Personal layer: an agent's or manager's own scripts under $ZHIDA_HOME/personal, never published.

$ZHIDA_HOME/personal/ is a content root of its own (kb/, scripts_library/). Sync never reads or writes
it, so nothing personal reaches the share. A personal item never replaces a team item: both are kept,
and every id clash is returned as a `Shadow` so the app can show both, label the personal one
「个人」 and warn 「个人话术 X 与团队话术同名，两条都会显示」.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.core.content.loader import load_content, load_files
from app.core.content.model import Content, Script
from app.core.fileio.atomic import write_text_atomic
from app.core.fileio.textio import UndecodableError, read_text
from app.core.fileio.yamlsafe import YamlError, load_yaml
from app.core.paths import zhida_home
from app.core.text.fold import fold
from app.core.text.pii import find_pii
from app.core.vocab import GENERAL_TYPE, SCRIPT_TYPES

SAVE_FILE = "scripts_library/我的话术.yaml"  # where scripts saved from the app go
HEADER = "# 我的话术:在知答里「存为个人话术」保存的话术。只在本机,不会发布到团队。\n"
PII_NAMES = {"mobile": "手机号", "landline": "座机号", "id_card": "身份证号", "bank_card": "银行卡号", "email": "邮箱"}


class SaveError(ValueError):
    """A personal script that cannot be saved as given (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Shadow:
    """A personal item whose id equals a team item's id (shown side by side, never merged)."""

    kind: str
    id: str
    personal_path: str
    team_path: str

    def message(self) -> str:
        """The warning the app shows (Simplified Chinese)."""
        what = "话术" if self.kind == "script" else "文章"
        return f"个人{what}「{self.id}」与团队{what}同名（{self.team_path}），两条都会显示，团队版本不会被替换"


@dataclass
class Layered:
    """Team content plus the personal layer, with id clashes listed."""

    team: Content
    personal: Content
    shadows: list[Shadow]

    def scripts(self) -> list[tuple[str, Script]]:
        """(layer, script) pairs: every team script, then every personal one ("team" / "personal")."""
        return [("team", s) for s in self.team.scripts] + [("personal", s) for s in self.personal.scripts]


def personal_root(home: Path | None = None) -> Path:
    """The personal content root (created on first use)."""
    root = (home or zhida_home()) / "personal"
    (root / "kb").mkdir(parents=True, exist_ok=True)
    (root / "scripts_library").mkdir(exist_ok=True)
    return root


def find_shadows(team: Content, personal: Content) -> list[Shadow]:
    """Every personal script or article whose id a team one already uses."""
    out = []
    team_scripts = {s.id: s for s in team.scripts}
    team_articles = {a.id: a for a in team.articles}
    for s in personal.scripts:
        if s.id in team_scripts:
            out.append(Shadow("script", s.id, s.path, team_scripts[s.id].path))
    for a in personal.articles:
        if a.id in team_articles:
            out.append(Shadow("article", a.id, a.path, team_articles[a.id].path))
    return out


def load_layered(team_root: Path, home: Path | None = None, team: Content | None = None) -> Layered:
    """Load the team content (unless given) and the personal layer, and find id clashes."""
    team = team or load_content(team_root)
    personal = load_content(personal_root(home))
    return Layered(team, personal, find_shadows(team, personal))


def save_personal_script(
    title: str, text: str, type: str = GENERAL_TYPE, stage: str = "", shortcut: str = "", home: Path | None = None
) -> Script:
    """Append a new script to the agent's own file and return it as loaded back.

    The existing file is only ever appended to (comments and the agent's own formatting stay); when it
    does not parse, the script goes to a new file beside it so nothing in the broken one is touched.
    Text with unmasked personal data (a customer's phone number pasted from a draft) is refused.
    """
    title, text, stage, shortcut = title.strip(), text.strip(), stage.strip(), shortcut.strip()
    if not title:
        raise SaveError("请填写话术标题")
    if not text:
        raise SaveError("话术内容是空的")
    if type not in SCRIPT_TYPES:
        raise SaveError(f"类型只能是 {'/'.join(SCRIPT_TYPES)}")
    found = find_pii(fold(f"{title}\n{text}"))
    if found:
        kinds = "、".join(dict.fromkeys(PII_NAMES.get(h.kind, h.kind) for h in found))
        raise SaveError(f"话术里有未遮盖的个人信息({kinds}),请先删除或遮盖再保存")
    root = personal_root(home)
    existing = load_content(root).scripts
    taken = {s.id for s in existing}
    stamp = time.strftime("%Y%m%d%H%M%S")
    script_id = f"p-{stamp}-{hashlib.sha1((title + text).encode('utf-8')).hexdigest()[:6]}"
    while script_id in taken:
        script_id += "x"
    entry = {"id": script_id, "title": title, "type": type}
    if stage:
        entry["stage"] = stage
    if shortcut:
        entry["shortcut"] = shortcut
    entry["text"] = text
    block = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000)
    rel, target, after = _append_target(root, block, script_id)
    write_text_atomic(target, after)
    saved = next((s for s in load_files(root, [rel]).scripts if s.id == script_id), None)
    if saved is None:  # pragma: no cover - the block is safe_dump output appended to a file that parsed
        raise SaveError(f"保存后读不回这条话术,请检查 {target}")
    return saved


def _appended_cleanly(text: str, script_id: str) -> bool:
    """True when `text` parses as a list of scripts ending with the new one."""
    try:
        data = load_yaml(text)
    except YamlError:
        return False
    return isinstance(data, list) and bool(data) and isinstance(data[-1], dict) and data[-1].get("id") == script_id


def _append_target(root: Path, block: str, script_id: str) -> tuple[str, Path, str]:
    """(relative path, file, new text): SAVE_FILE with the block appended, or the first 我的话术-N.yaml
    that takes it cleanly — a file the agent broke or wrote in another shape is left exactly as it is."""
    for number in range(1, 1000):
        rel = SAVE_FILE if number == 1 else SAVE_FILE.replace(".yaml", f"-{number}.yaml")
        target = root / rel
        try:
            before = read_text(target).text if target.exists() else HEADER
        except (OSError, UndecodableError):
            continue
        after = before + ("" if before.endswith("\n") else "\n") + block
        if _appended_cleanly(after, script_id):
            return rel, target, after
    raise SaveError(f"无法在 {root / 'scripts_library'} 里保存个人话术")
