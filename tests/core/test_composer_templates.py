"""Reply templates in YAML: a knowledge manager changes a reply's structure, and `zhida validate` points
at every mistake with file and line."""

from __future__ import annotations

from app.core.compose.composer import compose
from app.core.content.loader import load_content
from app.core.validation import validate_root
from tests.conftest import REPO_ROOT, article


def test_bundled_triage_and_template_files_are_clean() -> None:
    content = validate_root(REPO_ROOT)
    mine = [p for p in content.problems if p.path in ("scripts_library/triage.yaml", "scripts_library/templates.yaml")]
    assert mine == []


def test_template_mistakes_are_reported_with_file_and_line(make_root) -> None:
    root = make_root(
        {
            "scripts_library/templates.yaml": (
                "kind: templates\n"  # 1
                "types:\n"  # 2
                "  咨询:\n"  # 3
                "    - slot: 结论\n"  # 4
                "      from: [faq:结论]\n"  # 5
                "    - slot: 说明\n"  # 6
                "      from: [script:寒暄]\n"  # 7
                "    - slot: 指引\n"  # 8
                "      from: [script:指引]\n"  # 9
                "      require_tags: true\n"  # 10
                "  表扬:\n"  # 11
                "    - slot: 感谢\n"  # 12
                "      from: [text]\n"
            )
        }
    )  # 13
    problems = [p for p in validate_root(root).problems if p.path == "scripts_library/templates.yaml"]
    by_line = {p.line: p for p in problems}
    assert "unknown source 'faq:结论'" in by_line[5].message
    assert "unknown script stage '寒暄'" in by_line[7].message
    assert "require_tags needs tags" in by_line[10].message
    assert "unknown type '表扬'" in by_line[11].message
    assert {p.level for p in (by_line[5], by_line[7], by_line[10], by_line[11])} == {"error"}
    assert any("no template for" in p.message and p.level == "warning" for p in problems)


def test_own_template_changes_the_reply_structure_and_others_stay_bundled(make_root) -> None:
    root = make_root(
        {
            "kb/a.md": article("refund-time"),
            "scripts_library/templates.yaml": (
                "kind: templates\n"
                "types:\n"
                "  咨询:\n"
                "    - slot: 答复\n"
                "      from: [article:结论]\n"
                "    - slot: 提醒\n"
                "      from: [text]\n"
                "      text: 到账后请核对金额。\n"
            ),
        }
    )
    content = load_content(root)
    inquiry = compose("退款多久到账?", content, closing=False)
    assert [s.name for s in inquiry.slots] == ["答复", "提醒"]
    assert inquiry.text == "退款1-3个工作日到账。\n到账后请核对金额。"
    complaint = compose("我要投诉", content)
    assert next(s.name for s in complaint.slots) == "共情"
