"""Production records for tests: sites of each kind, and reading problems and the event feed."""

from typing import Any
from uuid import uuid4

import httpx

from tests.support.services import RunningService

PROBLEM = "application/problem+json"


def rack(**overrides: Any) -> dict[str, Any]:
    return {
        "facility_id": "rutan-serang",
        "name": f"Rak {uuid4().hex[:8]}",
        "kind": "hydroponic_rack",
        "area_m2": "12.5",
        **overrides,
    }


def pond(**overrides: Any) -> dict[str, Any]:
    return {
        "facility_id": "rutan-serang",
        "name": f"Kolam {uuid4().hex[:8]}",
        "kind": "pond",
        "volume_m3": 18,
        **overrides,
    }


def workshop(**overrides: Any) -> dict[str, Any]:
    return {"facility_id": "rutan-serang", "name": f"Bengkel {uuid4().hex[:8]}", "kind": "workshop", **overrides}


def problem_of(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """The problem+json body, after checking its status and the field it names."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    if field is not None:
        assert body["field"] == field, body
    return body


async def created(service: RunningService, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = await service.http.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def fed(notifications: RunningService, headers: dict[str, str], subject: str) -> list[dict[str, Any]]:
    """The feed's entries about `subject` (an aggregate id)."""
    response = await notifications.http.get("/events", params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return [entry for entry in response.json()["events"] if entry["subject"] == subject]
