"""The OpenAPI schema turned into rows a template can show (the reference page)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

METHOD_ORDER = ("get", "head", "post", "put", "patch", "delete")
CODE_RE = re.compile(r"`([^`]+)`")
STRONG_RE = re.compile(r"\*\*([^*]+)\*\*")


def inline_markdown(text: str) -> SafeString:
    """The schema's descriptions use `code` and **bold**; everything else stays text."""
    html = CODE_RE.sub(r"<code>\1</code>", escape(text))
    return mark_safe(STRONG_RE.sub(r"<strong>\1</strong>", html))  # the text was escaped above


@dataclass
class Param:
    name: str
    where: str
    type: str
    required: bool
    description: SafeString | str = ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: SafeString
    anchor: str
    writes: bool
    params: list[Param] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str, str]] = field(default_factory=list)  # code, text, type


def operations(schema: dict[str, Any]) -> list[tuple[str, list[Operation]]]:
    """Operations grouped by tag, in the schema's order."""
    groups: dict[str, list[Operation]] = {}
    for path, methods in schema["paths"].items():
        for method in sorted(methods, key=METHOD_ORDER.index):
            spec = methods[method]
            tag = (spec.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(_operation(method, path, spec))
    return list(groups.items())


def models(schema: dict[str, Any]) -> list[tuple[str, str, list[Param]]]:
    """(name, description, fields) of each object schema; enums show as their values."""
    result: list[tuple[str, str, list[Param]]] = []
    for name, spec in schema.get("components", {}).get("schemas", {}).items():
        required = set(spec.get("required", []))
        fields = [
            Param(
                key,
                "",
                type_name(prop),
                key in required,
                inline_markdown(prop.get("description", "")),
            )
            for key, prop in spec.get("properties", {}).items()
        ]
        if fields:
            result.append((name, inline_markdown(spec.get("description", "")), fields))
    return result


def paragraphs(text: str) -> list[SafeString]:
    """The API's description as paragraphs of inline markdown."""
    return [
        inline_markdown(" ".join(block.split())) for block in text.split("\n\n") if block.strip()
    ]


def type_name(spec: dict[str, Any]) -> str:
    """A short human name for a JSON schema: `JobIn`, `list of Format`, `integer or null`."""
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " or ".join(type_name(option) for option in spec["anyOf"])
    if "enum" in spec:
        return "one of " + ", ".join(str(value) for value in spec["enum"])
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {type_name(spec.get('items', {}))}"
    if kind == "object":
        return "object"
    fmt = spec.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _operation(method: str, path: str, spec: dict[str, Any]) -> Operation:
    operation = Operation(
        method=method.upper(),
        path=path,
        summary=spec.get("summary", ""),
        description=inline_markdown(spec.get("description", "")),
        anchor=spec.get("operationId", f"{method}-{path}"),
        writes=any("WriteTokenAuth" in scheme for scheme in spec.get("security", [])),
    )
    for param in spec.get("parameters", []):
        operation.params.append(
            Param(
                param["name"],
                param["in"],
                type_name(param.get("schema", {})),
                bool(param.get("required")),
                inline_markdown(param.get("description", "")),
            )
        )
    content = spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        operation.body = type_name(content["application/json"]["schema"])
    for code, answer in sorted(spec.get("responses", {}).items(), key=lambda item: str(item[0])):
        media = next(iter(answer.get("content", {}).items()), None)
        shown = "" if media is None else _media_type(*media)
        operation.responses.append((code, answer.get("description", ""), shown))
    return operation


def _media_type(media: str, content: dict[str, Any]) -> str:
    if media in ("application/json",):
        return type_name(content.get("schema", {}))
    return "file" if media in ("*/*", "application/zip") else media
