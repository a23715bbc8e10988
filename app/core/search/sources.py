"""What feeds the index: the files of a content root and of its layers, parsed, and the words they teach.

The personal layer contributes only its scripts, under paths starting with "@personal/": a personal
rule or synonym file never changes how the team's content is searched.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.core.content.model import Content
from app.core.search import documents as index_docs
from app.core.search.hits import LAYER_MARK
from app.core.search.plan import UpdatePlan


def paths(root: Path, layers: dict[str, Path]) -> dict[str, str]:
    """Every file that feeds the index: the content root's, and the scripts of each layer under "@name/"."""
    found = index_docs.content_paths(root)
    for name, layer_root in layers.items():
        found.update({f"{LAYER_MARK}{name}/{rel}": path for rel, path in index_docs.script_paths(layer_root).items()})
    return found


def vocabulary(
    plan: UpdatePlan, part: Content, files: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, list[list[str]]]]:
    """Per-file dictionary words and synonym groups after the update: the plan's kept ones plus the parsed files'."""
    vocab, synonyms = dict(plan.vocab), dict(plan.synonyms)
    for rel in plan.userdicts:
        vocab[rel] = index_docs.read_userdict(files[rel])
    for rel, piece in _by_file(part).items():
        words = index_docs.file_vocabulary(piece)
        if words:
            vocab[rel] = words
        groups = index_docs.synonym_groups(piece.library)
        if groups:
            synonyms[rel] = groups
    return vocab, synonyms


def parse(root: Path, layers: dict[str, Path], content: Content | None, rels: list[str]) -> Content:
    """Articles, scripts and library files of `rels` (team files from `content` when given, else from disk)."""
    team = [rel for rel in rels if not rel.startswith(LAYER_MARK)]
    part = _parse_team(root, content, team)
    for name, layer_root in layers.items():
        prefix = f"{LAYER_MARK}{name}/"
        mine = [rel[len(prefix) :] for rel in rels if rel.startswith(prefix)]
        if mine:
            layer = index_docs.parse_files(layer_root, mine)
            part.scripts.extend(replace(s, path=prefix + s.path) for s in layer.scripts)
            part.problems.extend(replace(p, path=prefix + p.path) for p in layer.problems)
    return part


def _parse_team(root: Path, content: Content | None, rels: list[str]) -> Content:
    if content is None:
        return index_docs.parse_files(root, rels)
    wanted = set(rels)
    part = Content(root=root)
    part.articles = [a for a in content.articles if a.path in wanted]
    part.scripts = [s for s in content.scripts if s.path in wanted]
    part.library = [f for f in content.library if f.path in wanted]
    part.problems = [p for p in content.problems if p.path in wanted]
    return part


def _by_file(part: Content) -> dict[str, Content]:
    groups: dict[str, Content] = {}
    for a in part.articles:
        groups.setdefault(a.path, Content(root=part.root)).articles.append(a)
    for s in part.scripts:
        groups.setdefault(s.path, Content(root=part.root)).scripts.append(s)
    for lib in part.library:
        groups.setdefault(lib.path, Content(root=part.root)).library.append(lib)
    return groups
