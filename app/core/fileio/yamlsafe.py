"""YAML through the safe loader only, with the line of every mapping kept for error messages."""

from __future__ import annotations

from typing import Any

import yaml

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


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document safely; `first_line` shifts reported lines (front matter inside a file)."""
    loader = _LineLoader(text)
    loader.line_offset = first_line - 1
    try:
        return loader.get_single_data()
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
