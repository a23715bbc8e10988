"""Several content roots searched one after the other in one process (the app switching roots, the suite).

The segmenter is process-wide: the domain words one root teaches it must not change what another root's
search finds, and a root's own domain word must not hide the words inside it.
"""

from __future__ import annotations

from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.search.documents import read_userdict
from app.core.search.index import SearchIndex
from tests.conftest import article


def test_a_domain_word_of_one_root_does_not_hide_a_word_in_the_next_root(make_root):
    first = make_root(
        {
            "kb/a.md": article("a", "价保规则", body="## 结论\n申请退款后原路退回。\n"),
            "scripts_library/userdict.txt": "申请退款 10\n退款到账 10\n",
            "scripts_library/synonyms.yaml": "kind: synonyms\ngroups:\n  - [退款, 退钱]\n",
        },
        name="first",
    )
    assert [h.id for h in SearchIndex(first).search("退款")] == ["a"]  # its own userdict word: 退款 inside it
    second = make_root(
        {"kb/b.md": article("b", "售后说明", body="## 结论\n您可以申请退款,退款到账需要1-3天。\n")}, name="second"
    )
    index = SearchIndex(second)
    assert [h.id for h in index.search("退款")] == ["b"]
    assert [h.id for h in index.search("申请退款")] == ["b"]
    assert index.search("退钱") == []  # the first root's synonyms stay with the first root


def test_a_user_dictionary_over_the_library_limit_is_not_read(make_root):
    root = make_root({"scripts_library/userdict.txt": "沃保无忧 10\n"})
    assert read_userdict(root / "scripts_library/userdict.txt") == ["沃保无忧"]
    line = "沃保无忧 10\n".encode()
    (root / "scripts_library/userdict.txt").write_bytes(line * (DEFAULT_LIMITS.library // len(line) + 1))
    assert read_userdict(root / "scripts_library/userdict.txt") == []
