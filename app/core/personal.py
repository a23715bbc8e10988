"""Personal layer: an agent's or manager's own scripts under $ZHIDA_HOME/personal, never published.

$ZHIDA_HOME/personal/ is a content root of its own (kb/, scripts_library/). Sync never reads or writes
it, so nothing personal reaches the share. A personal item never replaces a team item: both are kept,
and every id clash is returned as a `Shadow` so the app can show both, label the personal one
「个人」 and warn 「个人话术 X 与团队话术同名，两条都会显示」.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.content import Content, load_content
from app.core.paths import zhida_home


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

    def scripts(self) -> list[tuple[str, object]]:
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
