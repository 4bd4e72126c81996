"""The application log: structlog and the standard library's logging (gunicorn, werkzeug) as one stream.

Invariants:
- Every log line goes to the process's standard error (looked up at each line, so a test's capture sees it),
  as one JSON object per line (`json`, production's default) or readable text (`console`, development's).
  Lines from the standard library's loggers (gunicorn, werkzeug, SQLAlchemy's) pass the same processors.
- A line carries the event, its level, the logger, a UTC time and what the code bound to it: codes and
  counts, never a value of a person. Within a request the trace id is bound (`bind_contextvars`), so every
  event of that request carries it.
- Configuring is idempotent: the one handler this module installs on the root logger is replaced, never
  doubled, and other handlers (a test's capture) are kept.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog

FORMATEN = ("json", "console")


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler writing to whatever `sys.stderr` is when a line is written."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


_GEDEELD: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="tijd"),
]


def configureer(niveau: str = "INFO", formaat: str = "json") -> None:
    """Route structlog and the standard library's loggers to standard error at `niveau`, rendered as `formaat`.

    Raises:
        ValueError: `formaat` is not one of `FORMATEN`.
    """
    if formaat not in FORMATEN:
        raise ValueError(f"log format must be one of {', '.join(FORMATEN)}")
    renderer: Any = (
        structlog.processors.JSONRenderer(sort_keys=False)
        if formaat == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_GEDEELD,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = _Stderr()
    handler.set_name("deelpoort")
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_GEDEELD,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "deelpoort"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(niveau)
    # werkzeug's development server writes its own access line per request; ours (`api/waarneming.py`) is the one.
    logging.getLogger("werkzeug").setLevel(max(logging.WARNING, root.level))
    # alembic announces its plugins at INFO whenever a serving process checks the schema revision (`serving_app`);
    # `deelpoort db upgrade` prints what it applied itself.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))


def handler() -> logging.Handler | None:
    """The handler `configureer` installed, for a server's own loggers (gunicorn's), or None before it ran."""
    return next((h for h in logging.getLogger().handlers if h.get_name() == "deelpoort"), None)
