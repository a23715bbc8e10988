"""The content loader and validator: every bad input is reported with file and line, in one pass."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.core.content.loader import load_content, split_sections
from tests.conftest import article

GOOD_SCRIPTS = """\
- id: s-open
  title: 标准开场
  type: 通用
  stage: 开场
  shortcut: kc
  text: "{客户称呼}您好，很高兴为您服务。"
  variants:
    en: "Hello {客户称呼}, how may I help you?"
"""


def messages(content, level=None):
    return [(p.path, p.line, p.message) for p in content.problems if level is None or p.level == level]


def test_valid_root_loads_articles_scripts_and_sections(make_root):
    body = "## 结论\n1-3个工作日到账。\n\n## 说明\n原路退回。\n\n## 操作步骤\n1. 打开APP\n\n## 常见误区\n- 周末也到账\n"
    root = make_root(
        {
            "kb/returns/refund.md": article("refund", tags="[退款, 到账]", similar="[钱什么时候退回来]", body=body),
            "scripts_library/scripts/open.yaml": GOOD_SCRIPTS,
        }
    )
    content = load_content(root)
    assert content.problems == []
    [a] = content.articles
    assert a.path == "kb/returns/refund.md"
    assert a.tags == ["退款", "到账"] and a.similar == ["钱什么时候退回来"]
    assert a.section("结论") == "1-3个工作日到账。"
    assert a.section("操作步骤") == "1. 打开APP"
    [s] = content.scripts
    assert s.shortcut == "kc" and s.variants == {"en": "Hello {客户称呼}, how may I help you?"} and s.line == 1


def test_invalid_yaml_is_reported_with_its_line_and_other_files_still_load(make_root):
    root = make_root(
        {
            "kb/a.md": "---\nid: a\ntitle: [未闭合\n---\n## 结论\n正文\n",
            "kb/b.md": article("b"),
        }
    )
    content = load_content(root)
    [(path, line, message)] = messages(content)
    assert path == "kb/a.md" and line in (3, 4) and "invalid YAML" in message
    assert [a.id for a in content.articles] == ["b"]


def test_missing_id_and_title_are_errors(make_root):
    root = make_root({"kb/a.md": "---\ncategory: 订单\n---\n## 结论\n正文\n"})
    found = messages(load_content(root), "error")
    assert ("kb/a.md", 2, "missing required field 'id'") in found
    assert ("kb/a.md", 2, "missing required field 'title'") in found


def test_duplicate_ids_name_both_files(make_root):
    root = make_root(
        {
            "kb/one.md": article("same"),
            "kb/two/two.md": article("same"),
            "scripts_library/s.yaml": "- id: same\n  title: t\n  text: 您好\n",
        }
    )
    dupes = [m for m in messages(load_content(root), "error") if "duplicate id" in m[2]]
    assert len(dupes) == 2
    assert all("kb/one.md" in m[2] for m in dupes)
    assert {m[0] for m in dupes} == {"kb/two/two.md", "scripts_library/s.yaml"}


def test_unknown_type_and_status_are_errors_on_their_line(make_root):
    root = make_root({"kb/a.md": article("a", type="闲聊", status="hidden")})
    found = messages(load_content(root), "error")
    assert ("kb/a.md", 4, "unknown type '闲聊': use one of 咨询 / 投诉 / 建议 / 故障") in found
    assert any(p == "kb/a.md" and line == 5 and "unknown status" in m for p, line, m in found)


def test_related_id_that_does_not_exist(make_root):
    root = make_root({"kb/a.md": article("a", related="[b, missing]"), "kb/b.md": article("b")})
    assert messages(load_content(root), "error") == [("kb/a.md", 4, "related id 'missing' does not exist")]


@pytest.mark.parametrize("body", ["", "\n\n", "## 结论\n\n## 说明\n"])
def test_empty_article_body_is_an_error(make_root, body):
    root = make_root({"kb/a.md": article("a", body=body)})
    [(path, line, message)] = messages(load_content(root), "error")
    assert path == "kb/a.md" and line == 5 and ("empty" in message or "no text" in message)


def test_malformed_placeholders_are_errors_with_lines(make_root):
    root = make_root(
        {
            "kb/a.md": article("a", body="## 结论\n您好{客户称呼,退款已到账。\n"),
            "scripts_library/s.yaml": '- id: s1\n  title: t\n  text: "请提供{订单 号}"\n'
            '- id: s2\n  title: t\n  text: "好的}"\n',
        }
    )
    found = messages(load_content(root), "error")
    assert any(p == "kb/a.md" and line == 6 and "unclosed placeholder “{客户称呼" in m for p, line, m in found)
    assert any(p == "scripts_library/s.yaml" and line == 3 and "malformed placeholder" in m for p, line, m in found)
    assert any(p == "scripts_library/s.yaml" and line == 6 and "stray" in m for p, line, m in found)


def test_gbk_and_bom_files_are_read_with_a_warning(make_root):
    gbk = article("gbk", title="发票怎么开?", body="## 结论\n在订单详情申请电子发票。\n").encode("gbk")
    bom = b"\xef\xbb\xbf" + article("bom", title="积分规则").encode("utf-8")
    root = make_root(
        {
            "kb/gbk.md": gbk,
            "kb/bom.md": bom,
            "scripts_library/s.yaml": "- id: s1\n  title: 致歉\n  text: 非常抱歉\n".encode("gb18030"),
        }
    )
    content = load_content(root)
    assert {a.id: a.title for a in content.articles} == {"gbk": "发票怎么开?", "bom": "积分规则"}
    assert content.articles[1].section("结论") == "在订单详情申请电子发票。"
    assert content.scripts[0].text == "非常抱歉"
    assert content.errors == []
    assert {p.path for p in content.warnings} == {"kb/gbk.md", "kb/bom.md", "scripts_library/s.yaml"}


def test_binary_and_undecodable_files_are_reported_and_skipped(make_root):
    root = make_root(
        {
            "kb/image.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "kb/garbage.md": bytes([0xFF, 0xFD, 0xFC]) * 50,
            "kb/ok.md": article("ok"),
        }
    )
    content = load_content(root)
    assert [a.id for a in content.articles] == ["ok"]
    assert {p.path for p in content.errors} == {"kb/image.md", "kb/garbage.md"}
    assert all("skipped" in p.message for p in content.errors)


def test_crlf_files_parse_like_lf(make_root):
    root = make_root({"kb/a.md": article("a", body="## 结论\n到账。\n## 说明\n原路退回。\n").replace("\n", "\r\n")})
    content = load_content(root)
    assert content.problems == []
    assert content.articles[0].sections == {"结论": "到账。", "说明": "原路退回。"}


def test_five_megabyte_article_loads_quickly(make_root):
    big = "## 结论\n" + ("退款审核通过后1-3个工作日原路退回,周末可能顺延。\n" * 200_000)
    assert len(big.encode("utf-8")) > 5_000_000
    root = make_root({"kb/big.md": article("big", body=big)})
    started = time.perf_counter()
    content = load_content(root)
    assert time.perf_counter() - started < 5.0
    assert content.articles[0].id == "big" and content.errors == []


def test_loading_never_modifies_the_content_root(make_root):
    root = make_root({"kb/a.md": article("a"), "kb/b.md": "---\nid: [\n---\n", "kb/gbk.md": article("g").encode("gbk")})
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    load_content(root)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    assert before == after


def test_no_front_matter_and_unclosed_front_matter(make_root):
    root = make_root({"kb/plain.md": "# 标题\n正文\n", "kb/open.md": "---\nid: x\ntitle: y\n正文\n"})
    found = dict((p, m) for p, _, m in messages(load_content(root), "error"))
    assert "no front matter" in found["kb/plain.md"]
    assert "not closed" in found["kb/open.md"]


def test_unknown_field_is_a_warning_that_names_it(make_root):
    root = make_root({"kb/a.md": article("a", simliar="[错拼]")})
    [(path, line, message)] = messages(load_content(root), "warning")
    assert line == 4 and "unknown field 'simliar'" in message


def test_library_file_without_kind_is_an_error(make_root):
    root = make_root(
        {"scripts_library/x.yaml": "foo: bar\n", "scripts_library/rules/r.yaml": "kind: rules\nrules: []\n"}
    )
    content = load_content(root)
    assert [p.path for p in content.errors] == ["scripts_library/x.yaml"]
    assert [f.kind for f in content.library] == ["rules"]


def test_sync_litter_and_hidden_files_are_ignored(make_root):
    root = make_root(
        {
            "kb/a.md": article("a"),
            "kb/a.sync-conflict-20261101-120000-ABC.md": article("a"),
            "kb/~$a.md": "garbage",
            "kb/.hidden/b.md": article("a"),
        }
    )
    content = load_content(root)
    assert [a.id for a in content.articles] == ["a"] and content.problems == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_leaving_the_root_is_refused(make_root, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(article("secret"), encoding="utf-8")
    root = make_root({"kb/a.md": article("a")})
    (root / "kb" / "link.md").symlink_to(outside)
    content = load_content(root)
    assert [a.id for a in content.articles] == ["a"]
    assert any(p.path == "kb/link.md" and "outside" in p.message for p in content.warnings)


def test_missing_root_is_one_problem_not_an_exception(tmp_path):
    content = load_content(tmp_path / "nope")
    assert len(content.errors) == 1 and "not found" in content.errors[0].message


def test_sections_ignore_headings_inside_code_fences():
    sections = split_sections("## 结论\n正文\n```\n## 不是标题\n```\n## 说明\n说明文字\n")
    assert list(sections) == ["结论", "说明"] and "## 不是标题" in sections["结论"]


def test_progress_callback_counts_every_file(make_root):
    root = make_root({"kb/a.md": article("a"), "kb/b.md": article("b"), "scripts_library/s.yaml": GOOD_SCRIPTS})
    seen = []
    load_content(root, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3)


def test_yaml_tags_that_would_build_python_objects_are_rejected(make_root):
    root = make_root(
        {"scripts_library/s.yaml": "- id: s1\n  title: !!python/object/apply:os.system ['echo hi']\n  text: x\n"}
    )
    content = load_content(root)
    assert content.scripts == [] and content.errors and "invalid YAML" in content.errors[0].message
    assert Path(root).exists()


def test_load_files_reads_only_the_named_files_and_refuses_escapes(make_root):
    from app.core.content.loader import load_files

    root = make_root({"kb/a.md": article("a"), "kb/b.md": article("b")})
    part = load_files(root, ["kb/b.md", "../outside.md", "/etc/passwd.md"])
    assert [a.id for a in part.articles] == ["b"]
    assert [p.message for p in part.errors] == ["path leads outside the content root: refused"] * 2
