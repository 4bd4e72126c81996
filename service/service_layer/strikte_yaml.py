"""YAML set-up files read strictly: the safe loader, refusing a key that appears twice in one mapping (plain YAML
keeps the last one silently, so a misspelt or repeated entry would change the set-up unseen), and the one check
of the URLs such files name (`url_probleem`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml


class YamlBestandError(ValueError):
    """A set-up file cannot be read or is not valid YAML; the message starts with its path."""


def lees(path: Path) -> object:
    """The decoded document of the YAML file `path` (duplicate keys refused).

    Raises:
        YamlBestandError: it cannot be read, is not UTF-8, or is not valid YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise YamlBestandError(f"{path}: cannot be read ({reason})") from None
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader that refuses duplicate keys
    except yaml.YAMLError as error:
        raise YamlBestandError(f"{path}: not valid YAML ({yaml_reason(error)})") from None


class StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing a key that appears twice in one mapping (YAML would keep the last silently)."""


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_reason(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        return f"{error.problem} at line {error.problem_mark.line + 1}"
    return "syntax error"


def url_probleem(value: object, *, production: bool, max_lengte: int) -> str | None:
    """What is wrong with a URL in a set-up file (None: nothing): it must be an absolute http(s) URL without query,
    fragment, spaces or control characters, of at most `max_lengte` characters, and https in production."""
    if not isinstance(value, str) or not value:
        return "required, a URL"
    if len(value) > max_lengte:
        return f"at most {max_lengte} characters"
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment or "#" in value:
        return "must be an absolute http(s) URL without query or fragment"
    if production and parts.scheme != "https":
        return "must be an https URL in production"
    if any(c.isspace() or ord(c) < 32 for c in value):
        return "must not contain spaces or control characters"
    return None
