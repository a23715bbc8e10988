"""Progress published to the share (opt-in, named or pseudonymous, one writer per file) and the trainer's
board read from it defensively: several $ZHIDA_HOMEs on one real share folder."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.sync.engine import init_share
from app.core.training.cohort import MAX_BYTES, CohortError, read_cohort, training_dir
from app.core.training.settings import NAMED, OFF, PSEUDONYMOUS
from tests.core.training_world import FakeClock, bundled, trainee_at


@pytest.fixture
def share(tmp_path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    init_share(folder)
    return folder


def team(mode: str):
    """The bundled workspace with the team's publish setting changed (the content is not touched)."""
    ws = bundled()
    library = replace(ws.training, settings=replace(ws.training.settings, publish=mode))
    return replace(ws, training=library)


def practise(home: Path, clock: FakeClock, mode: str, name: str, replies: list[str]):
    trainee = trainee_at(home, clock, team(mode))
    trainee.store.set_name(name)
    drill = trainee.library.drill("inquiry-refund-time")
    for reply in replies:
        trainee.record(drill, trainee.conversation(drill).answer(reply).score)
        clock.advance(hours=1)
    state = trainee.queue()[0]
    trainee.answer_card(state.card.id, "不知道", 10)
    return trainee


def test_nothing_is_published_unless_the_team_opted_in(tmp_path, share):
    trainee = practise(tmp_path / "a", FakeClock(), OFF, "李雪", ["退款一般1-3个工作日到账。"])
    assert trainee.publish(share) is None
    assert not training_dir(share).exists()


def test_two_trainees_on_one_share_each_write_only_their_own_pseudonymous_file(tmp_path, share):
    clock = FakeClock()
    a = practise(tmp_path / "a", clock, PSEUDONYMOUS, "李雪", ["退款一般1-3个工作日到账。"])
    b = practise(tmp_path / "b", clock, PSEUDONYMOUS, "王强", ["我不知道。", "请耐心等待。", "好的。"])
    path_a, path_b = a.publish(share), b.publish(share)
    assert path_a.parent != path_b.parent and path_a.parent.parent == training_dir(share)
    assert len(path_a.parent.name) == 16 and a.publish(share) == path_a  # the same id every time
    for path in (path_a, path_b):
        text = path.read_text(encoding="utf-8")
        assert "李雪" not in text and "王强" not in text  # pseudonymous: no names
        assert "1-3个工作日到账" not in text and "耐心等待" not in text  # never the replies themselves
    cohort = read_cohort(share, clock())
    assert sorted(r.name[:2] for r in cohort.trainees) == ["学员", "学员"]
    stuck = next(r for r in cohort.trainees if r.attempts == 3)
    assert stuck.stuck.startswith("最近 3 次平均") and cohort.trainees[0] is stuck  # the stuck one first
    clock.advance(minutes=30)  # the card answered wrong falls due: the trainer sees who is due
    assert all(r.due_now == 1 for r in read_cohort(share, clock()).trainees)
    assert cohort.weakest and cohort.weakest[0][2] >= 1


def test_a_named_team_shows_the_name_the_trainee_chose(tmp_path, share):
    clock = FakeClock()
    practise(tmp_path / "a", clock, NAMED, "李雪", ["退款一般1-3个工作日到账。"]).publish(share)
    assert [r.name for r in read_cohort(share, clock()).trainees] == ["李雪"]


def test_the_board_reads_the_share_defensively(tmp_path, share):
    clock = FakeClock()
    good = practise(tmp_path / "a", clock, PSEUDONYMOUS, "李雪", ["退款一般1-3个工作日到账。"]).publish(share)
    folder = training_dir(share)
    (folder / "not-a-trainee").mkdir()
    (folder / ("b" * 16)).mkdir()
    (folder / ("b" * 16) / "progress.json").write_text("{broken", encoding="utf-8")
    (folder / ("c" * 16)).mkdir()
    (folder / ("c" * 16) / "progress.json").write_bytes(b"{" + b" " * MAX_BYTES + b"}")
    (folder / ("d" * 16)).mkdir()
    bad = json.loads(good.read_text(encoding="utf-8"))
    bad.update({"history": [{"total": 500}, {"total": "x"}, {"total": 40}], "due": ["never", 3], "name": "<b>x</b>"})
    (folder / ("d" * 16) / "progress.json").write_text(json.dumps(bad), encoding="utf-8")
    cohort = read_cohort(share, clock())
    assert len(cohort.trainees) == 2 and len(cohort.notices) == 3
    odd = next(r for r in cohort.trainees if r.id == "d" * 16)
    assert odd.history == [40] and odd.due_now == 0 and odd.name == "学员 dddd"  # pseudonymous: no name shown


def test_a_folder_that_is_not_a_share_is_refused(tmp_path):
    trainee = practise(tmp_path / "a", FakeClock(), NAMED, "李雪", ["退款一般1-3个工作日到账。"])
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(CohortError, match="not a Zhida share"):
        trainee.publish(plain)
    assert list(plain.iterdir()) == []
