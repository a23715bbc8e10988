"""The index on disk: where it lives, incremental updates, upgrades, corruption and concurrent writers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from app.core.search.index import SearchIndex
from app.core.search.store import META_FILE, write_lock
from tests.conftest import REPO_ROOT, article


def _root(make_root, count: int = 3) -> Path:
    files = {
        f"kb/a{i}.md": article(f"a{i}", f"第{i}号退款规则", body=f"## 结论\n退款说明{i}。\n") for i in range(count)
    }
    files["kb/invoice.md"] = article("invoice", "发票怎么开", body="## 结论\n订单页申请。\n")
    return make_root(files)


def test_index_lives_under_zhida_home_one_folder_per_content_root(make_root, zhida_home):
    first = SearchIndex(_root(make_root))
    second = SearchIndex(make_root({"kb/x.md": article("x", "别的内容")}, name="other"))
    first.update()
    second.update()
    assert first.dir.parent == zhida_home / "index" == second.dir.parent
    assert first.dir != second.dir
    assert (first.live / META_FILE).is_file()


def test_update_touches_only_added_changed_and_deleted_files(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    first = index.update()
    assert first.rebuilt and first.added == 4 and first.documents == 4
    assert index.update().touched == 0
    (root / "kb/a1.md").write_text(
        article("a1", "第1号退款规则", body="## 结论\n已改成七天无理由。\n"), encoding="utf-8"
    )
    (root / "kb/a2.md").unlink()
    (root / "kb/new.md").write_text(article("new", "会员积分兑换"), encoding="utf-8")
    report = index.update()
    assert (report.added, report.changed, report.deleted, report.rebuilt) == (1, 1, 1, False)
    assert report.documents == 4
    assert "a2" not in [h.id for h in index.search("退款规则", limit=10)]
    assert index.search("七天无理由")[0].id == "a1"
    assert index.search("积分兑换")[0].id == "new"


def test_a_touched_but_identical_file_is_not_reindexed(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    index.update()
    path = root / "kb/a0.md"
    path.write_bytes(path.read_bytes())  # new mtime, same bytes
    os.utime(path, ns=(1, 1))
    assert index.update().touched == 0


def test_a_new_searcher_sees_another_writers_changes(make_root):
    root = _root(make_root)
    reader, writer = SearchIndex(root), SearchIndex(root)
    assert reader.search("积分") == []
    (root / "kb/new.md").write_text(article("new", "会员积分兑换"), encoding="utf-8")
    writer.update()
    assert reader.search("积分")[0].id == "new"


def test_an_index_from_another_schema_version_rebuilds_itself(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    index.update()
    meta = json.loads((index.live / META_FILE).read_text(encoding="utf-8"))
    meta["schema_version"] = 0
    (index.live / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    fresh = SearchIndex(root)
    assert fresh.search("发票")[0].id == "invoice"
    assert any("版本" in m for m in fresh.messages)


def test_truncated_segment_is_detected_and_rebuilt(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    index.update()
    index.close()
    segment = next(index.live.glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    fresh = SearchIndex(root)
    assert fresh.search("发票")[0].id == "invoice"
    assert fresh.messages and "重建" in fresh.messages[0]


def test_missing_table_of_contents_is_detected_and_rebuilt(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    index.update()
    index.close()
    for toc in index.live.glob("*.toc"):
        toc.unlink()
    fresh = SearchIndex(root)
    assert fresh.search("发票")[0].id == "invoice"
    assert fresh.messages


def test_garbage_segment_and_meta_are_recovered(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    index.update()
    index.close()
    for seg in index.live.glob("*.seg"):
        seg.write_bytes(b"\x00garbage" * 10)
    (index.live / META_FILE).write_text("{not json", encoding="utf-8")
    fresh = SearchIndex(root)
    assert fresh.search("发票")[0].id == "invoice"


def test_half_written_index_left_by_a_killed_writer_is_recovered(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    index.update()
    index.close()
    # A writer killed mid-commit leaves a segment that no table of contents mentions, and a stale lock file.
    (index.live / "MAIN_deadbeefdeadbeef.seg").write_bytes(b"partial")
    (index.live / "MAIN_WRITELOCK").write_bytes(b"")
    (root / "kb/new.md").write_text(article("new", "会员积分兑换"), encoding="utf-8")
    fresh = SearchIndex(root)
    assert fresh.update().added == 1
    assert fresh.search("积分")[0].id == "new"


def test_search_keeps_working_while_another_writer_holds_the_lock(make_root):
    root = _root(make_root)
    SearchIndex(root).update()
    reader = SearchIndex(root)
    with write_lock(SearchIndex(root).dir):
        assert reader.search("发票")[0].id == "invoice"


def test_two_writers_in_threads_take_turns(make_root):
    root = _root(make_root, count=20)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            SearchIndex(root).update(rebuild=True)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert SearchIndex(root).search("发票")[0].id == "invoice"


_WRITER = """
import sys
from app.core.search.index import SearchIndex
index = SearchIndex(sys.argv[1])
for _ in range(3):
    index.update(rebuild=True)
print(index.search("发票")[0].id)
"""


def test_two_writer_processes_never_see_a_lock_error(make_root, zhida_home):
    root = _root(make_root, count=30)
    env = dict(os.environ, ZHIDA_HOME=str(zhida_home), PYTHONPATH=str(REPO_ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "LockError" not in err
        assert out.strip() == "invoice"


def test_a_new_synonym_word_recuts_texts_indexed_before_it(make_root):
    # 碎了 joins the dictionary with the synonym file: texts cut as 碎/了 before must be cut again.
    root = make_root({"kb/a.md": article("damaged", "杯子碎了怎么办"), "kb/b.md": article("other", "会员积分规则")})
    index = SearchIndex(root)
    index.update()
    (root / "scripts_library/synonyms.yaml").write_text("kind: synonyms\ngroups:\n  - [碎了, 破损]\n", encoding="utf-8")
    assert index.update().rebuilt
    assert index.search("破损")[0].id == "damaged"


def test_a_rebuild_is_written_beside_the_live_index_and_swapped_in(make_root):
    root = _root(make_root)
    index = SearchIndex(root)
    index.update()
    before = index.live
    reader = SearchIndex(root)
    assert reader.search("发票")[0].id == "invoice"
    assert index.update(rebuild=True).rebuilt
    assert index.live != before and index.live.parent == before.parent
    # The open reader answered from the old generation until now and moves to the new one on its next query.
    assert reader.search("发票")[0].id == "invoice" and reader.live == index.live
    index.update(rebuild=True)
    generations = [p.name for p in index.dir.iterdir() if p.is_dir() and p.name.startswith("g")]
    assert len(generations) == 2  # the live one and the one before it, for searchers still reading it


_REBUILDER = """
import sys
from app.core.search.index import SearchIndex
index = SearchIndex(sys.argv[1])
for _ in range(int(sys.argv[2])):
    index.update(rebuild=True)
"""


def test_searches_never_go_blank_while_another_process_rebuilds(make_root, zhida_home):
    root = _root(make_root, count=200)
    reader = SearchIndex(root)
    reader.update()
    env = dict(os.environ, ZHIDA_HOME=str(zhida_home), PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.Popen([sys.executable, "-c", _REBUILDER, str(root), "4"], env=env, stderr=subprocess.PIPE)
    answers = 0
    while proc.poll() is None:
        assert [h.id for h in reader.search("发票")][:1] == ["invoice"]
        answers += 1
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert answers > 0 and reader.search("发票")[0].id == "invoice"


def test_a_fresh_search_waits_at_most_about_a_second_for_a_writer(make_root, capsys):
    import time

    from app.cli import main

    root = _root(make_root)
    SearchIndex(root).update()
    (root / "kb/new.md").write_text(article("new", "会员积分兑换"), encoding="utf-8")
    with write_lock(SearchIndex(root).dir):  # another process's update in progress
        started = time.perf_counter()
        assert main(["search", "发票", "--json", "--content", str(root)]) == 0
        waited = time.perf_counter() - started
    captured = capsys.readouterr()
    assert json.loads(captured.out)["hits"][0]["id"] == "invoice"
    assert "另一个进程" in captured.err
    assert waited < 3.0  # 0.8 s for the lock, the rest is opening the index on a busy machine
