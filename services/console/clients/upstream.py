"""The four services' APIs as the console calls them: one pooled httpx client per service, with time limits, and
always the person's own access token. A problem+json answer becomes a ServiceProblem the page shows in words."""

import logging
from dataclasses import dataclass
from typing import Any

import httpx

SERVICES = ("enrolment", "production", "marketplace", "notifications")
PROBLEM_PREFIX = "urn:pembinaan:problem:"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str = ""


class ServiceProblem(Exception):
    """A service refused or failed a call: its status, the problem's slug (`invalid-input`) and the fields at
    fault. The service's own `detail` is kept out of pages and logs: it may quote what was sent."""

    def __init__(
        self, status: int, slug: str = "unknown", field: str | None = None, errors: list[FieldError] | None = None
    ) -> None:
        super().__init__(status, slug)
        self.status, self.slug, self.field, self.errors = status, slug, field, errors or []

    def __str__(self) -> str:
        return f"{self.status} {self.slug}"

    @property
    def fields(self) -> list[str]:
        """Every field at fault, the first named first, each once."""
        named = [self.field] if self.field else []
        return list(dict.fromkeys([*named, *(error.field for error in self.errors)]))


class TokenRejected(Exception):
    """A service answered 401: the person's token is no longer good, so they sign in again."""


class ServiceUnreachable(ServiceProblem):
    """No answer in time, or no connection: nothing can be said about the call's effect but that it may retry."""


def problem_of(response: httpx.Response) -> ServiceProblem:
    try:
        body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    slug = str(body.get("type", "")).removeprefix(PROBLEM_PREFIX) or f"http-{response.status_code}"
    errors = [
        FieldError(str(item["field"]), str(item.get("message", "")))
        for item in body.get("errors") or []
        if isinstance(item, dict) and item.get("field")
    ]
    named = body.get("field")
    return ServiceProblem(response.status_code, slug, str(named) if named else None, errors)


class Upstream:
    """`call("enrolment", "POST", "/participants", token=..., json=..., idempotency_key=...)`."""

    def __init__(self, base_urls: dict[str, str], *, timeout_seconds: float) -> None:
        timeout = httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 3.0))
        self._clients = {
            name: httpx.AsyncClient(base_url=url, timeout=timeout, follow_redirects=False)
            for name, url in base_urls.items()
        }

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str,
        json: Any = None,
        params: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        try:
            response = await self._clients[service].request(method, path, json=json, params=params, headers=headers)
        except httpx.HTTPError as error:
            log.warning("%s did not answer a %s (%s)", service, method, type(error).__name__)
            raise ServiceUnreachable(503, "unreachable") from None
        if response.status_code == 401:
            raise TokenRejected
        if response.status_code >= 500:
            log.warning("%s answered a %s with %d", service, method, response.status_code)
        if response.status_code >= 400:
            raise problem_of(response)
        return response.json() if response.content else None

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
