"""The server-rendered pages (/fg, /beheer) in tests: logging in, posting forms with their CSRF token."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def csrf(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def login(client: FlaskClient, token: str, **extra: str) -> TestResponse:
    """Log in to the pages with a bearer token (the login form with its own CSRF token); `extra` form fields."""
    page = client.get("/inloggen")
    assert page.status_code == 200
    return client.post("/inloggen", data={"token": token, "csrf_token": csrf(page.get_data(as_text=True)), **extra})


BEVESTIGD = {"bevestigd": "ja"}  # an approval's confirmation, ticked (without it the page refuses with 400)


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> TestResponse:
    """POST a form as the /beheer pages do: with the session's CSRF token."""
    token = csrf(client.get("/beheer/").get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def html(response: TestResponse) -> str:
    """A page's text; every answer of the pages is an HTML page, errors too (never problem+json)."""
    assert response.mimetype == "text/html", (response.status_code, response.mimetype)
    return response.get_data(as_text=True)
