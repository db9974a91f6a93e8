"""YAML that remembers where each value came from, so a rule problem names its line.

PyYAML's safe loader already tracks a mark per node; this loader keeps it: every mapping is a
:class:`LineDict` that knows the line of the mapping and of each key. Duplicate keys, which
plain PyYAML silently resolves to the last one, are refused: in a reviewed rule file a repeated
``hours:`` is a mistake, not an override.
"""

from __future__ import annotations

import yaml


class YamlError(ValueError):
    """The file is not valid YAML (or repeats a key); ``line`` is 1-based."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


class LineDict(dict):
    """A mapping with ``line`` (its own, 1-based) and ``key_lines`` (key -> 1-based line)."""

    line: int = 0
    key_lines: dict = {}  # noqa: RUF012 - replaced per instance by the loader

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence with ``line`` (its own) and ``item_lines`` (index -> 1-based line)."""

    line: int = 0
    item_lines: tuple | list = ()


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise YamlError(f"key '{key}' appears twice", key_node.start_mark.line + 1)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node, deep=False):
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)


def load_yaml(text: str):
    """Parse ``text``; mappings come back as :class:`LineDict`, sequences as :class:`LineList`."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except YamlError:
        raise
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlError(f"not valid YAML: {err.problem or err}", line) from None
    except yaml.YAMLError as err:
        raise YamlError(f"not valid YAML: {err}", 1) from None
