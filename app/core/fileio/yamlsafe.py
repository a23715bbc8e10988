"""YAML through the safe loader only, with the line of every mapping kept for error messages.

Content and share files are untrusted, so the composed node graph is measured before anything is
constructed: nesting deeper than `yaml_depth` (aliases expanded) and aliases that would add more than
`yaml_alias_nodes` nodes (a 600-byte "billion laughs" bomb adds billions) are refused with the line,
as is an alias that contains itself. libyaml itself refuses nesting beyond 1,000 levels while
parsing, so composing never recurses deeper than that; the limits are in `app.core.fileio.limits`.
"""

from __future__ import annotations

from typing import Any

import yaml

from app.core.fileio.limits import DEFAULT_LIMITS

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping from YAML that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        """The line of `key` if it was present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


def line_of(mapping: object, key: str, default: int = 1) -> int:
    """The line of `key` in a mapping read from YAML (its own line when the key is absent), else `default`."""
    return mapping.line_of(key) if isinstance(mapping, LineDict) else default


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that builds LineDicts: no Python object construction is possible."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    offset = getattr(loader, "line_offset", 0)
    result.line = node.start_mark.line + 1 + offset
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "unhashable key", key_node.start_mark) from None
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1 + offset
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(ValueError):
    """A YAML document that does not parse, with the 1-based line where it broke."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_node_graph(root: yaml.Node, max_depth: int, max_alias_nodes: int, first_line: int = 1) -> None:
    """Raise YamlError when the expanded document nests deeper than `max_depth`, when aliases add more than
    `max_alias_nodes` nodes, or when an alias refers to a collection containing it. Iterative and linear in
    the number of distinct nodes (shared nodes are measured once)."""
    expanded: dict[int, int] = {}  # id(node) -> nodes in its expanded subtree
    height: dict[int, int] = {}  # id(node) -> collection levels in its expanded subtree
    distinct: set[int] = set()
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, list[yaml.Node]]] = [(root, 0, _children(root))]
    on_path.add(id(root))
    while stack:
        node, i, kids = stack[-1]
        if i < len(kids):
            stack[-1] = (node, i + 1, kids)
            child = kids[i]
            key = id(child)
            if key in expanded:
                if len(stack) + height[key] > max_depth:  # an alias to a deep collection, placed deep
                    raise YamlError(
                        f"invalid YAML: nested more than {max_depth} levels deep (aliases expanded)",
                        _line(child, first_line),
                    )
                continue
            if key in on_path:
                raise YamlError(
                    "invalid YAML: an alias refers to a collection that contains it", _line(child, first_line)
                )
            grandkids = _children(child)
            if not grandkids:
                expanded[key] = 1
                height[key] = 0
                distinct.add(key)
                continue
            if len(stack) >= max_depth:
                raise YamlError(
                    f"invalid YAML: nested more than {max_depth} levels deep (aliases expanded)",
                    _line(child, first_line),
                )
            on_path.add(key)
            stack.append((child, 0, grandkids))
            continue
        stack.pop()
        on_path.discard(id(node))
        distinct.add(id(node))
        total = 1 + sum(expanded[id(k)] for k in kids)
        expanded[id(node)] = total
        height[id(node)] = 1 + max(height[id(k)] for k in kids)
        if total - len(distinct) > max_alias_nodes:
            raise YamlError(
                f"invalid YAML: aliases expand to more than {max_alias_nodes:,} extra nodes (an alias bomb?)",
                _line(node, first_line),
            )


def _line(node: yaml.Node, first_line: int) -> int:
    return (node.start_mark.line if node.start_mark else 0) + first_line


def load_yaml(
    text: str,
    first_line: int = 1,
    *,
    max_depth: int = DEFAULT_LIMITS.yaml_depth,
    max_alias_nodes: int = DEFAULT_LIMITS.yaml_alias_nodes,
) -> Any:
    """Parse one YAML document safely within the depth and alias limits; `first_line` shifts reported lines
    (front matter inside a file). Raises YamlError with the line for anything refused."""
    loader = _LineLoader(text)
    loader.line_offset = first_line - 1
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_node_graph(node, max_depth, max_alias_nodes, first_line)
        return loader.construct_document(node)
    except RecursionError:  # only the pure-Python fallback composer recurses
        raise YamlError(f"invalid YAML: nested too deeply (limit {max_depth} levels)", first_line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        if (
            exc.context_mark is not None
            and exc.problem_mark is not None
            and exc.context_mark.line != exc.problem_mark.line
        ):
            what += f" (the construct starts on line {exc.context_mark.line + first_line})"
        raise YamlError(f"invalid YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", first_line) from None
    finally:
        loader.dispose()
