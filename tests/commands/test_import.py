"""`zhida import FILE --into DIR` from the command line."""

from __future__ import annotations

from app.cli import main


def test_import_reports_failed_rows_and_exits_1(tmp_path, capsys):
    source = tmp_path / "faq.csv"
    source.write_bytes("id,question,answer\nq1,退款多久到账,1-3个工作日\nq2,,没有问题\n".encode("gbk"))
    assert main(["import", str(source), "--into", str(tmp_path / "root")]) == 1
    captured = capsys.readouterr()
    assert "imported 1 articles" in captured.out
    assert f"{source}:row 3: error: no question: row skipped" in captured.err
    assert "GBK" in captured.err
    assert main(["validate", "--content", str(tmp_path / "root")]) == 0


def test_import_of_unsupported_file_is_one_line(tmp_path, capsys):
    source = tmp_path / "faq.xlsx"
    source.write_bytes(b"PK")
    assert main(["import", str(source), "--into", str(tmp_path)]) == 1
    assert capsys.readouterr().err.count("\n") == 1
