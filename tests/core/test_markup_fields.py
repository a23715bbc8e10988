"""`zhida validate` warns when a field meant as text carries HTML markup (it is shown literally, #18)."""

from __future__ import annotations

from app.cli import main
from app.core.content.loader import load_content
from tests.conftest import article


def test_markup_in_front_matter_and_script_fields_is_a_warning_with_its_line(make_root):
    root = make_root(
        {
            "kb/a.md": article("a", title="'退款<img src=\"file:///etc/passwd\">'", tags="['<b>粗</b>', 退款]"),
            "kb/b.md": article("b", title="金额<100元怎么退", category="退换货"),
            "scripts_library/scripts/s.yaml": "- id: s1\n  title: 致歉\n  text: '非常抱歉&nbsp;给您添麻烦了'\n",
        }
    )
    content = load_content(root)
    found = {(p.path, p.line, p.level) for p in content.problems if "markup" in p.message}
    assert found == {
        ("kb/a.md", 3, "warning"),
        ("kb/a.md", 4, "warning"),
        ("scripts_library/scripts/s.yaml", 3, "warning"),
    }
    assert {a.id for a in content.articles} == {"a", "b"}, "a warning never drops the article"


def test_validate_prints_the_markup_warning(make_root, capsys):
    root = make_root({"kb/a.md": article("a", category="'<a href=\"https://x.example\">退换货</a>'")})
    main(["validate", "--content", str(root)])
    out = capsys.readouterr()
    assert "kb/a.md:4: warning: 'category' contains markup" in out.out + out.err
