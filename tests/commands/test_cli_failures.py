"""Every CLI failure names what failed (fault matrix row 31): bad stdin encodings, deep JSONL, lone
surrogates, over-long file names and out-of-range numbers end in one line and the right exit code."""

from __future__ import annotations

import io
import sys

import pytest

from app.cli import main
from tests.conftest import article


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    return err


@pytest.mark.parametrize(
    "data",
    ["退款多久到账".encode("gbk"), "退款多久到账".encode("utf-16"), b"\xef\xbb\xbf" + "退款多久到账".encode()],
    ids=["gbk", "utf-16", "utf-8-bom"],
)
def test_compose_reads_stdin_in_the_encodings_a_chinese_windows_console_gives(monkeypatch, capsys, data):
    _stdin(monkeypatch, data)
    assert main(["compose", "--message", "-", "--article", "return-refund-arrival-time", "--json"]) == 0
    assert "return-refund-arrival-time" in capsys.readouterr().out


def test_compose_with_binary_stdin_is_one_line_naming_stdin(monkeypatch, capsys):
    _stdin(monkeypatch, b"\x00\x01\x02\x03binary")
    assert main(["compose", "--message", "-"]) == 1
    err = _one_line(capsys)
    assert err.startswith("zhida: error: stdin:") and "NUL" in err


@pytest.mark.parametrize("command", ["search", "import"])
def test_deeply_nested_jsonl_names_the_file_and_line(tmp_path, capsys, command):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"query": "退款"}\n{"query": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    if command == "search":
        code = main(["search", "--batch", str(path)])
        err = _one_line(capsys)
        assert f"{path}:2" in err and "nested" in err
    else:
        code = main(["import", str(path), "--into", str(tmp_path / "out")])
        err = capsys.readouterr().err
        assert f"{path}:第 2 行" in err and "nested" in err  # the import speaks Chinese: 「第 N 行」
    assert code == 1


def test_a_lone_surrogate_in_a_query_is_one_line_and_gbk_argv_bytes_are_read_as_gbk(capsys, make_root):
    root = make_root({"kb/a.md": article("a", "退款多久到账?")})
    assert main(["search", "\udcff\ud800", "--content", str(root)]) == 1
    assert "not valid text" in _one_line(capsys)
    gbk_argv = "退款".encode("gbk").decode("utf-8", "surrogateescape")  # what Linux gives for GBK bytes
    assert main(["search", gbk_argv, "--json", "--limit", "1", "--content", str(root)]) == 0
    assert '"query": "退款"' in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [["check", "a" * 300], ["validate", "--content", "a" * 300], ["search", "--batch", "a" * 300]],
    ids=["check", "validate", "search"],
)
def test_an_over_long_file_name_is_one_line_with_the_cause(capsys, args):
    assert main(args) == 1
    err = _one_line(capsys)
    assert "aaaa" in err and "long" in err.lower() and "Traceback" not in err and len(err) < 300


@pytest.mark.parametrize("docs", ["-1", "0", "x"])
def test_bench_refuses_a_document_count_below_one(capsys, docs):
    with pytest.raises(SystemExit) as info:
        main(["bench", "search", "--docs", docs])
    assert info.value.code == 2
    assert "--docs" in capsys.readouterr().err
