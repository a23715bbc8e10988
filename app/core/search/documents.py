"""What goes into the search index: files of a content root → whoosh documents, plus the vocabulary.

Incremental updates work per file: a file whose size and mtime are unchanged is not even read; one
whose bytes hash the same is not re-parsed; only added, changed and deleted files touch the index.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from app.core.content.loader import is_ignored_name, load_files
from app.core.content.model import ERROR, Article, Content, LibraryFile, Problem, Script
from app.core.fileio.bounded import read_bounded
from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.fileio.textio import UndecodableError, decode_bytes
from app.core.paths import is_within
from app.core.text.chars import is_cjk
from app.core.text.fold import fold
from app.core.text.ngrams import unigrams
from app.core.text.pinyin import pinyin_keys
from app.core.text.segment import FILLER
from app.core.vocab import PUBLISHED

USERDICT_GLOB = "userdict*.txt"
_HEADING_MARKS = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)  # "## 结论" reads as "结论" in a snippet
_TITLE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
# A title that is a question (怎么开发票) is not a term; only term-like titles (运费险, 价保规则) join the dictionary.
_QUESTION_MARKS = ("怎么", "如何", "什么", "为什么", "吗", "呢", "多久", "多少", "能不能", "可以", "哪")


# A file's state in the manifest: [size, mtime_ns, sha1 of its bytes] (plain lists: 20,000 of them are
# read and compared on every update, so no objects are built for them).
FileState = list


def content_paths(root: Path) -> dict[str, str]:
    """Every file that feeds the index (articles, library YAML, user dictionaries), by relative posix path.

    The same files `content.load_content` reads (hidden folders, editor and sync litter skipped; nothing
    that leads outside the root), found with os.scandir and resolving only symlinks: an incremental
    update of 20,000 articles must not spend a second resolving paths that cannot leave the root.
    """
    found: dict[str, str] = {}
    _scan(root, root / "kb", (".md",), found)
    _scan(root, root / "scripts_library", (".yaml", ".yml", ".txt"), found)
    return {rel: path for rel, path in sorted(found.items()) if not rel.endswith(".txt") or is_userdict(rel)}


def script_paths(root: Path) -> dict[str, str]:
    """The script files (scripts_library/**/*.yaml) of a content root, by relative posix path."""
    found: dict[str, str] = {}
    _scan(root, root / "scripts_library", (".yaml", ".yml"), found)
    return dict(sorted(found.items()))


def _scan(root: Path, folder: Path | str, suffixes: tuple[str, ...], found: dict[str, str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    prefix = len(str(root)) + 1
    for entry in entries:
        name = entry.name
        if is_ignored_name(name):
            continue
        if entry.is_symlink() and not is_within(Path(entry.path), root):
            continue
        if entry.is_dir():
            _scan(root, entry.path, suffixes, found)
        elif name.lower().endswith(suffixes) and entry.is_file():
            found[entry.path[prefix:].replace(os.sep, "/")] = entry.path


def file_state(path: str, previous: Any) -> FileState:
    """[size, mtime_ns, sha1]; the bytes are hashed only when size or mtime moved."""
    stat = os.stat(path)
    if (
        isinstance(previous, list)
        and len(previous) == 3
        and previous[0] == stat.st_size
        and previous[1] == stat.st_mtime_ns
    ):
        return previous
    with open(path, "rb") as handle:
        digest = hashlib.sha1(handle.read()).hexdigest()
    return [stat.st_size, stat.st_mtime_ns, digest]


def is_synonyms_name(rel: str) -> bool:
    """True for a file named like a synonyms file (scripts_library/**/synonyms*.yaml)."""
    name = Path(rel).name.lower()
    return rel.startswith("scripts_library/") and name.startswith("synonyms") and name.endswith((".yaml", ".yml"))


def is_userdict(rel: str) -> bool:
    """True for a user dictionary file (scripts_library/**/userdict*.txt)."""
    return rel.startswith("scripts_library/") and rel.endswith(".txt") and Path(rel).name.startswith("userdict")


def read_userdict(path: Path | str) -> list[str]:
    """Words of a jieba-style user dictionary: one per line, `word [freq] [tag]`, # comments."""
    try:  # the library limit of every other scripts_library file: a 2 GB "dictionary" is not read
        text = decode_bytes(read_bounded(Path(path), DEFAULT_LIMITS.library)).text
    except (OSError, UndecodableError):
        return []
    result = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            result.append(line.split()[0])
    return result


def parse_files(root: Path, rels: list[str]) -> Content:
    """Parse just these files (articles and library YAML) into a Content, problems collected."""
    return load_files(root, rels)


def _join(items: list[str]) -> str:
    return "\n".join(i for i in items if i)


def _keywords(values: list[str]) -> str:
    # KEYWORD fields split on commas; folded so a filter ignores width, case and 繁/简.
    return ",".join(fold(v.strip()).replace(",", " ") for v in values if v and v.strip())


def _pinyin(texts: list[str]) -> str:
    keys: list[str] = []
    for text in texts:
        keys.extend(pinyin_keys(text))
    return " ".join(dict.fromkeys(keys))


def article_doc(article: Article) -> dict[str, Any]:
    """The whoosh document of an article."""
    body = _HEADING_MARKS.sub("", article.body).strip()
    questions = _join([article.title, *article.similar])
    return {
        "key": f"article:{article.path}#{article.id}",
        "id": article.id,
        "kind": "article",
        "path": article.path,
        "title": article.title,
        "similar": _join(article.similar),
        "q": _join([questions, *article.tags, article.category]),
        "body": body,
        "gram": questions,
        "py": _pinyin([article.title, *article.similar]),
        "category": article.category,
        "type": article.type,
        "status": article.status,
        "f_category": _keywords([article.category]),
        "f_type": _keywords([article.type]),
        "f_tag": _keywords(article.tags),
        "f_channel": _keywords(article.channels) or "*",
    }


def script_doc(script: Script) -> dict[str, Any]:
    """The whoosh document of a script (话术)."""
    variants = list(script.variants.values())
    return {
        "key": f"script:{script.path}#{script.id}",
        "id": script.id,
        "kind": "script",
        "path": script.path,
        "title": script.title,
        "similar": "",
        "q": _join([script.title, *script.tags, script.stage, script.shortcut]),
        "body": _join([script.text, *variants]),
        "gram": script.title,
        "py": " ".join(filter(None, [_pinyin([script.title]), fold(script.shortcut)])),
        "category": script.stage,
        "type": script.type,
        "status": PUBLISHED,
        "f_category": _keywords([script.stage]),
        "f_type": _keywords([script.type]),
        "f_tag": _keywords(script.tags),
        "f_channel": _keywords(script.channels) or "*",
    }


def char_counts(doc: dict[str, Any]) -> Counter:
    """Distinct CJK characters of a document's questions (title, 相似问法), for the re-ranker's rarity."""
    return Counter(set(unigrams(doc.get("gram", ""))))


def file_vocabulary(part: Content) -> list[str]:
    """Words a file contributes to the segmenter: tags, categories, stages, short titles, synonyms."""
    found: list[str] = []
    for a in part.articles:
        found.extend([*a.tags, a.category])
        title = fold(a.title)
        if _TITLE_WORD.match(title) and not any(mark in title for mark in _QUESTION_MARKS):
            found.append(a.title)
    for s in part.scripts:
        found.extend([*s.tags, s.stage])
    for group in synonym_groups(part.library):
        found.extend(group)
    return [w for w in dict.fromkeys(found) if w and w not in FILLER and any(is_cjk(c) for c in w)]


def synonym_groups(library: list[LibraryFile]) -> list[list[str]]:
    """Synonym groups from `kind: synonyms` files: `groups: [[退款, 退钱], …]` (folded, 2+ words each)."""
    groups: list[list[str]] = []
    for lib in library:
        if lib.kind != "synonyms":
            continue
        for group in lib.data.get("groups") or []:
            if isinstance(group, list):
                words = [fold(str(w).strip()) for w in group if str(w).strip()]
                if len(words) > 1:
                    groups.append(list(dict.fromkeys(words)))
    return groups


def check_library(content: Content) -> list[Problem]:
    """Format problems of `kind: synonyms` files (for `zhida validate`)."""
    problems = []
    for lib in content.library_of("synonyms"):
        groups = lib.data.get("groups")
        if not isinstance(groups, list):
            problems.append(
                Problem(
                    lib.path,
                    lib.data.line,
                    ERROR,
                    "synonyms file needs 'groups:', a list of word lists such as - [退款, 退钱]",
                )
            )
            continue
        for number, group in enumerate(groups, 1):
            if not isinstance(group, list) or len([w for w in group if str(w).strip()]) < 2:
                problems.append(
                    Problem(
                        lib.path,
                        lib.data.line_of("groups"),
                        ERROR,
                        f"synonym group {number} must list at least two words",
                    )
                )
    return problems
