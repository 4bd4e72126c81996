"""Paging links for list endpoints (API Design Rules: `_links` with self, next and prev)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request
from marshmallow import Schema, fields


class LinkSchema(Schema):
    href = fields.String(required=True)


class LinksSchema(Schema):
    self = fields.Nested(LinkSchema, required=True)
    next = fields.Nested(LinkSchema)
    prev = fields.Nested(LinkSchema)


def links(page: int, *, meer: bool) -> dict[str, dict[str, str]]:
    """`_links` of page `page` of this request's list; `meer`: a next page exists. Other query parameters stay."""
    found = {"self": _link(page)}
    if meer:
        found["next"] = _link(page + 1)
    if page > 1:
        found["prev"] = _link(page - 1)
    return found


def _link(page: int) -> dict[str, str]:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return {"href": f"{request.path}?{urlencode([*args, ('page', str(page))])}"}
