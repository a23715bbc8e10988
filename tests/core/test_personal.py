"""The personal layer: never published by sync, never silently shadowing a team script."""

from __future__ import annotations

from app.core.personal import load_layered, personal_root
from tests.core.sync_world import make_world

TEAM = "- id: greet\n  title: 问候\n  text: 您好，请问有什么可以帮您？\n"
MINE = "- id: greet\n  title: 我的问候\n  text: 亲，在的~\n- id: own\n  title: 我的\n  text: 稍等哦\n"


def test_personal_scripts_are_kept_beside_team_scripts_and_clashes_are_reported(tmp_path):
    share, (m0,), _ = make_world(tmp_path, managers=1, agents=0)
    m0.write("scripts_library/team.yaml", TEAM)
    (personal_root(m0.home) / "scripts_library/mine.yaml").write_text(MINE, encoding="utf-8")
    layered = load_layered(m0.root, home=m0.home)
    pairs = [(layer, s.id, s.title) for layer, s in layered.scripts()]
    assert pairs == [("team", "greet", "问候"), ("personal", "greet", "我的问候"), ("personal", "own", "我的")]
    (shadow,) = layered.shadows
    assert shadow.id == "greet" and "团队版本不会被替换" in shadow.message()


def test_sync_never_publishes_the_personal_layer(tmp_path):
    share, (m0,), (a0,) = make_world(tmp_path, managers=1, agents=1)
    m0.write("scripts_library/team.yaml", TEAM)
    (personal_root(m0.home) / "scripts_library/mine.yaml").write_text(MINE, encoding="utf-8")
    assert m0.sync().published == ["scripts_library/team.yaml"]
    a0.sync()
    assert sorted(a0.files()) == ["scripts_library/team.yaml"]
    objects = [p.read_bytes() for p in (share / ".zhida/objects").rglob("*") if p.is_file()]
    assert MINE.encode() not in objects
