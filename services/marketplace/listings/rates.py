"""Rate limits of the public catalogue, per client: by API key when one is given (a higher limit), else by
address. Kept in the process's memory by the `limits` library: with several replicas each counts its own."""

import math
import time
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.exceptions import HTTPException

from shared.http.api_keys import ApiKeys, Caller, RecentCallers, api_key_header


class CatalogueRates:
    def __init__(self, *, anonymous: str, keyed: str) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._anonymous: RateLimitItem = parse(anonymous)
        self._keyed: RateLimitItem = parse(keyed)

    async def admit(self, client: str, *, keyed: bool) -> None:
        """Count a request of `client`; 429 with Retry-After once its limit is used up."""
        limit = self._keyed if keyed else self._anonymous
        if await self._limiter.hit(limit, client):
            return
        reset_at, _ = await self._limiter.get_window_stats(limit, client)
        wait = max(1, math.ceil(reset_at - time.time()))
        raise HTTPException(
            429, f"Too many requests; try again in {wait} s, or use an API key.", headers={"Retry-After": str(wait)}
        )


async def catalogue_client(request: Request, token: Annotated[str | None, Depends(api_key_header)]) -> Caller | None:
    """The caller when a key is given (401 when it is not valid), after counting the request against its limit."""
    caller = None
    if token:
        recent: RecentCallers = request.app.state.recent_callers
        caller = await recent.caller(token, ApiKeys(request.app.state.runtime.database.db).authenticate)
        if caller is None:
            raise HTTPException(401, "The API key is unknown or revoked.", headers={"WWW-Authenticate": "ApiKey"})
    rates: CatalogueRates = request.app.state.catalogue_rates
    client = f"key:{caller.key_id}" if caller else address_of(request)
    await rates.admit(client, keyed=caller is not None)
    return caller


def address_of(request: Request) -> str:
    """The client a request without a key counts against: its address (the storefront's pages count there too)."""
    return f"address:{request.client.host if request.client else '-'}"


CatalogueClient = Annotated[Caller | None, Depends(catalogue_client)]
