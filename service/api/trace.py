"""W3C Trace Context (https://www.w3.org/TR/trace-context/): accept `traceparent`, propagate it, keep ids.

Invariants:
- A valid incoming `traceparent` keeps its trace id; this request gets a fresh span id whose parent is the
  caller's. A missing or invalid header (wrong version 00 shape, bad hex, all-zero ids) starts a new trace,
  as the specification requires; it is never an error.
- Every response carries `traceparent` with the trace id and this request's span id, and `tracestate` is
  passed through unchanged when it was sent (at most 512 characters).
"""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, g, request

from service.domain.verstrekking import Trace

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


def parse_traceparent(header: str | None) -> tuple[str, str, str] | None:
    """(trace id, parent id, flags) of a valid header, else None."""
    if not header:
        return None
    match = _TRACEPARENT.match(header.strip())
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    if version == "ff" or trace_id == _ZERO_TRACE or parent_id == _ZERO_SPAN:
        return None
    if version == "00" and rest:
        return None  # version 00 has exactly four parts
    return trace_id, parent_id, flags


def current_trace() -> Trace:
    trace: Trace = g.trace
    return trace


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_propagate)


def _start() -> None:
    parsed = parse_traceparent(request.headers.get("traceparent"))
    if parsed is None:
        g.trace = Trace(secrets.token_hex(16), secrets.token_hex(8))
        g.trace_flags = "00"
    else:
        trace_id, parent_id, flags = parsed
        g.trace = Trace(trace_id, secrets.token_hex(8), parent_id)
        g.trace_flags = flags


def _propagate(response: Response) -> Response:
    trace = g.get("trace")
    if trace is not None:
        response.headers["traceparent"] = f"00-{trace.trace_id}-{trace.span_id}-{g.get('trace_flags', '00')}"
        state = request.headers.get("tracestate")
        if state and len(state) <= 512:
            response.headers["tracestate"] = state
    return response
