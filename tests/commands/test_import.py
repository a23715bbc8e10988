"""`zhida import FILE --into DIR` from the command line: Chinese messages, row numbers, a dry run."""

from __future__ import annotations

from app.cli import main


def test_import_reports_failed_rows_and_exits_1(tmp_path, capsys):
    source = tmp_path / "faq.csv"
    source.write_bytes("id,question,answer\nq1,退款多久到账,1-3个工作日\nq2,,没有问题\n".encode("gbk"))
    assert main(["import", str(source), "--into", str(tmp_path / "root")]) == 1
    captured = capsys.readouterr()
    assert "已写入 1 篇文章" in captured.out and "1 行未导入" in captured.out
    assert f"{source}:第 3 行: 错误 (error): 没有问题 (no question)" in captured.err
    assert "GBK" in captured.err
    assert main(["validate", "--content", str(tmp_path / "root")]) == 0


def test_import_of_unsupported_file_is_one_line(tmp_path, capsys):
    source = tmp_path / "faq.xlsx"
    source.write_bytes(b"PK")
    assert main(["import", str(source), "--into", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "faq.xlsx" in err


def test_dry_run_lists_what_would_be_written_and_writes_nothing(tmp_path, capsys):
    source = tmp_path / "faq.csv"
    source.write_text("问题,答案,分类\n退款多久到账?,三天内,退換貨\n", encoding="utf-8")
    assert main(["import", str(source), "--into", str(tmp_path / "root"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新建  kb/退换货/tui-kuan-duo-jiu-dao-zhang.md  「退款多久到账?」" in out.replace("\\", "/")
    assert "将写入 1 篇文章" in out and "试运行" in out
    assert not (tmp_path / "root").exists()
