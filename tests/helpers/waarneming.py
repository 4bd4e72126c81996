"""Reading what the service shows of itself: the Prometheus text of `/metrics` and the JSON log lines."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families


def scrape(client: FlaskClient, adres: str = "127.0.0.1") -> str:
    """`GET /metrics` from `adres` (a monitoring address in development); must answer 200."""
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": adres})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def waarde(tekst: str, naam: str, **labels: str) -> float:
    """The sample `naam` with exactly `labels` in the exposition `tekst`; 0 when it is absent."""
    for familie in text_string_to_metric_families(tekst):
        for sample in familie.samples:
            if sample.name == naam and sample.labels == labels:
                return float(sample.value)
    return 0.0


def json_regels(tekst: str) -> list[dict[str, Any]]:
    """Every non-empty line of `tekst` as a JSON object (fails on a line that is not one)."""
    regels: list[dict[str, Any]] = []
    for regel in tekst.splitlines():
        if regel.strip():
            gelezen = json.loads(regel)
            assert isinstance(gelezen, dict), regel
            regels.append(gelezen)
    return regels
