"""Reading YAML content strictly: duplicate keys are errors, and a field path can be traced to its line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_Base):  # type: ignore[misc]
    """A safe loader (libyaml when available) that refuses a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def parse(text: str) -> Any:
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a safe loader


MAX_DEPTH = 50  # lists and mappings inside each other: an answers file needs three
MAX_DIGITS = 18  # a whole number longer than this is no answer to any question


class UntrustedLoader(StrictLoader):
    """For files people send us (answers): dates stay text (the questionnaire checks them), a number of too
    many digits is refused where it stands."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        digits = str(node.value).lstrip("+-").replace("_", "")
        if len(digits) > MAX_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number with too many digits ({len(digits)})", node.start_mark
            )
        return super().construct_yaml_int(node)


UntrustedLoader.add_constructor("tag:yaml.org,2002:int", UntrustedLoader.construct_yaml_int)
UntrustedLoader.add_constructor("tag:yaml.org,2002:timestamp", UntrustedLoader.construct_yaml_str)


def parse_untrusted(text: str) -> Any:
    """A document from outside, read only if it holds no aliases (an alias repeated inside itself makes a
    436-byte file expand to gigabytes) and nests at most MAX_DEPTH deep: both are seen in the event stream,
    before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not accepted here: write the value out", _mark(event)
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.constructor.ConstructorError(
                    None, None, f"nested too deeply (more than {MAX_DEPTH} levels)", _mark(event)
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(text, Loader=UntrustedLoader)  # noqa: S506 - a safe loader


def compose(text: str) -> yaml.Node | None:
    """The node tree of a document, for finding lines; compose once per file, not once per error."""
    try:
        return yaml.compose(text, Loader=_Base)
    except yaml.YAMLError:
        return None


def line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """1-based line of the node at `loc` (a pydantic error location), or of its nearest existing parent."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == part]
            if not match:
                break
            line = match[0][0].start_mark.line + 1
            node = match[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def describe_yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}invalid YAML: {problem}"


def _mark(event: yaml.Event) -> yaml.error.Mark | None:
    """Where an event starts (libyaml's marks carry the same line and column as PyYAML's)."""
    mark: yaml.error.Mark | None = event.start_mark  # type: ignore[assignment]
    return mark
