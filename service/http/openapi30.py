"""The app's OpenAPI 3.1 document rewritten as 3.0.3, for the bundled (offline) Swagger UI 4, which reads only 3.0."""
from __future__ import annotations

import copy

_DROP_ROOT = ("webhooks", "jsonSchemaDialect")


def downgrade(document: dict) -> dict:
    """A 3.0.3 copy of a FastAPI 3.1 document: null unions become `nullable`, 3.1-only keywords their 3.0 forms."""
    out = _convert(copy.deepcopy(document))
    out["openapi"] = "3.0.3"
    for key in _DROP_ROOT:
        out.pop(key, None)
    info = out.get("info", {})
    info.pop("summary", None)
    info.get("license", {}).pop("identifier", None)
    return out


def _convert(node):
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _convert(value) for key, value in node.items()}
    for union in ("anyOf", "oneOf"):
        if isinstance(node.get(union), list) and {"type": "null"} in node[union]:
            rest = [item for item in node.pop(union) if item != {"type": "null"}]
            node["nullable"] = True
            if len(rest) == 1 and "$ref" not in rest[0]:
                node = {**rest[0], **node}
            elif rest:
                node[union] = rest
    if isinstance(node.get("type"), list):
        kinds = [kind for kind in node["type"] if kind != "null"]
        node["nullable"] = node.get("nullable", False) or len(kinds) < len(node["type"])
        node["type"] = kinds[0] if len(kinds) == 1 else "string"
    _keywords(node)
    return node


def _keywords(node: dict) -> None:
    """3.1 keywords rewritten in place: const, numeric exclusive bounds, schema `examples` lists, content types."""
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), (int, float)) and not isinstance(node.get(bound), bool):
            node[plain], node[bound] = node[bound], True
    if isinstance(node.get("examples"), list):
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    if "contentMediaType" in node:
        node.pop("contentMediaType")
        if node.get("type") == "string":
            node.setdefault("format", "binary")
    node.pop("contentEncoding", None)
