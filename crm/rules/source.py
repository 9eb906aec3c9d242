"""Reading rule files: YAML with line numbers, duplicate keys refused, one error type with path, line, reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from crm.errors import HuiqiError


class RuleError(HuiqiError):
    """A rule file is wrong: which file, which line, and why (in plain Chinese)."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line}: {reason}")

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "reason": self.reason}


class LineDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    line: int = 0


# libyaml's scanner and parser (C) when installed: five times faster than the pure-Python ones, which made
# `huiqi rules check` and every matching command slow to start; constructors and marks are the same
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    """Duplicate explicit keys are refused; keys merged in with ``<<: *anchor`` may be overridden."""
    result = LineDict()
    result.line, result.key_lines = node.start_mark.line + 1, {}
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise RuleError("", key_node.start_mark.line + 1, f"重复的键 '{key}'（第 {seen[key]} 行已出现）")
        seen[key] = key_node.start_mark.line + 1
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a YAML file into LineDict/LineList; any problem becomes a RuleError naming the file."""
    text = path.read_text(encoding="utf-8") if text is None else text
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a (C)SafeLoader subclass
    except RuleError as exc:
        raise RuleError(path, exc.line, exc.reason) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise RuleError(path, line, f"YAML 语法错误：{exc.problem}") from None
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses (found by fuzzing)
        raise RuleError(
            path, getattr(getattr(exc, "position", None), "line", 0), f"YAML 无法读取：{exc}"
        ) from None
    except (TypeError, ValueError) as exc:  # `{[1]: x}` (unhashable key), `0000-00-00` (impossible date)
        raise RuleError(path, 0, f"YAML 内容无效：{exc}") from None


def line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """The line of the value at ``loc`` (a pydantic error location), or of its nearest known parent."""
    line = getattr(data, "line", 0)
    for key in loc:
        if isinstance(data, LineDict) and key in data:
            line = data.key_lines.get(key, line)
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
            line = getattr(data, "line", line)
        else:
            break
    return line
