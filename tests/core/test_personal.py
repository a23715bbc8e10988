"""The personal layer: never published by sync, never silently shadowing a team script."""

from __future__ import annotations

import pytest

from app.core.content.personal import SAVE_FILE, SaveError, load_layered, personal_root, save_personal_script
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


def test_a_script_saved_from_the_app_loads_back_and_is_searchable(make_root, zhida_home):
    from app.core.search.index import SearchIndex

    saved = save_personal_script(
        "物流安抚",
        "亲,包裹已经在路上了,{预计时间}前送达。",
        type="咨询",
        stage="安抚",
        shortcut="wlaf",
        home=zhida_home,
    )
    assert (saved.title, saved.type, saved.stage, saved.shortcut) == ("物流安抚", "咨询", "安抚", "wlaf")
    assert [s.id for s in load_layered(make_root({}), home=zhida_home).personal.scripts] == [saved.id]
    hit = SearchIndex(make_root({}), home=zhida_home).search("包裹在路上")[0]
    assert (hit.id, hit.layer) == (saved.id, "personal")


def test_saving_appends_and_keeps_the_agents_own_text_and_comments(zhida_home):
    path = personal_root(zhida_home) / SAVE_FILE
    path.write_text("# 我自己的备注,别删\n" + MINE, encoding="utf-8")
    before = path.read_bytes()
    first = save_personal_script("第一条", "好的呢", home=zhida_home)
    second = save_personal_script("第二条", "收到啦", home=zhida_home)
    assert path.read_bytes().startswith(before)
    ids = [s.id for s in load_layered(personal_root(zhida_home), home=zhida_home).personal.scripts]
    assert ids == ["greet", "own", first.id, second.id] and first.id != second.id


def test_a_broken_personal_file_is_left_alone_and_the_script_goes_beside_it(zhida_home):
    path = personal_root(zhida_home) / SAVE_FILE
    path.write_text("- id: x\n  title: [写到一半\n", encoding="utf-8")
    before = path.read_bytes()
    saved = save_personal_script("新的", "稍等哦", home=zhida_home)
    assert path.read_bytes() == before
    assert saved.path == "scripts_library/我的话术-2.yaml"


def test_unmasked_personal_data_or_an_empty_title_is_refused_and_nothing_is_written(zhida_home):
    with pytest.raises(SaveError, match="手机号"):
        save_personal_script("回访", "您的号码13812345678已登记", home=zhida_home)
    with pytest.raises(SaveError, match="标题"):
        save_personal_script("  ", "好的", home=zhida_home)
    assert not (personal_root(zhida_home) / SAVE_FILE).exists()
