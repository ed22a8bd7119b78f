"""The enrolment API as the console's pages call it, with the signed-in person's token. Searches by what
identifies a person go in a POST body, never in a URL."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request

from services.console.clients.upstream import Upstream
from services.console.sessions.pages import SessionDep

Json = dict[str, Any]
PAGE = 200
PAGES_AT_MOST = 10
"""A page that counts (cohorts, waiting enrolments) reads at most this many pages of a listing."""


class Enrolment:
    def __init__(self, upstream: Upstream, token: str) -> None:
        self._upstream, self._token = upstream, token

    async def _get(self, path: str, **params: str) -> Any:
        return await self._upstream.call("enrolment", "GET", path, token=self._token, params=params or None)

    async def _post(self, path: str, body: Json, *, idempotency_key: str | None = None) -> Any:
        return await self._upstream.call(
            "enrolment", "POST", path, token=self._token, json=body, idempotency_key=idempotency_key
        )

    async def _every(self, path: str, **params: str) -> AsyncIterator[Json]:
        after: str | None = None
        for _ in range(PAGES_AT_MOST):
            page = await self._get(path, limit=str(PAGE), **params, **({"after": after} if after else {}))
            for item in page["items"]:
                yield item
            after = page["next_cursor"]
            if after is None:
                return

    async def _found(self, search: Json) -> AsyncIterator[Json]:
        """Every participant a search finds, page after page."""
        after: str | None = None
        for _ in range(PAGES_AT_MOST):
            page = await self._post("/participants/search", search | {"limit": PAGE, "after": after})
            for item in page["items"]:
                yield item
            after = page["next_cursor"]
            if after is None:
                return

    async def register_participant(self, registration: Json, *, idempotency_key: str) -> Json:
        created: Json = await self._post("/participants", registration, idempotency_key=idempotency_key)
        return created

    async def participants(self, *, after: str | None = None, limit: int = 50) -> Json:
        page: Json = await self._post("/participants/search", {"after": after, "limit": limit})
        return page

    async def search_participants(self, words: str, *, limit: int = 50) -> Json:
        page: Json = await self._post("/participants/search", {"q": words, "limit": limit})
        return page

    async def releases_due(self, first: date, last: date) -> list[Json]:
        """Participants in custody whose expected release falls between `first` and `last`, soonest first."""
        search = {"status": "in_custody", "release_from": first.isoformat(), "release_until": last.isoformat()}
        found = [participant async for participant in self._found(search)]
        return sorted(found, key=lambda participant: str(participant["expected_release"]))

    async def participant(self, participant_id: str) -> Json:
        found: Json = await self._get(f"/participants/{participant_id}")
        return found

    async def training_record(self, participant_id: str) -> Json:
        record: Json = await self._get(f"/participants/{participant_id}/training-record")
        return record

    async def enrolments(self, **filters: str) -> list[Json]:
        return [enrolment async for enrolment in self._every("/enrolments", **filters)]

    async def attendance(self, enrolment_id: str) -> Json:
        found: Json = await self._get(f"/enrolments/{enrolment_id}/attendance")
        return found

    async def cohorts(self, **filters: str) -> list[Json]:
        return [cohort async for cohort in self._every("/cohorts", **filters)]

    async def programme(self, programme_id: str) -> Json:
        found: Json = await self._get(f"/programmes/{programme_id}")
        return found


async def enrolment_client(request: Request, session: SessionDep) -> Enrolment:
    return Enrolment(request.app.state.runtime.upstream, session.tokens.access_token)


EnrolmentDep = Annotated[Enrolment, Depends(enrolment_client)]
