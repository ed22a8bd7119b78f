"""The public catalogue for integrators: no key needed (rate-limited per client), cursor pages in the commit
order of each listing's last change, `ETag`/`If-None-Match`, and schema.org JSON-LD on request.

Rate limits are per client: by API key when one is given (a higher limit), else by address. They are kept in the
process's memory by the `limits` library: with several replicas each counts its own."""

import hashlib
import json
import math
import time
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from services.marketplace.catalogue import handlers
from services.marketplace.catalogue.domain import Rendered, Search, product
from services.marketplace.catalogue.handlers import RenderedPages
from services.marketplace.listings.domain import Category, ListingNotFound
from shared.contracts.marketplace import ListingState
from shared.http.api_keys import Caller, api_key_header, bearer_token, current_caller
from shared.http.app import DatabaseDep
from shared.http.bounds import LARGEST_COUNT
from shared.http.parameters import PathId, query_model, query_parameters


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


async def catalogue_client(
    request: Request,
    token: Annotated[str | None, Depends(api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_token)],
) -> Caller | None:
    """The caller when a key or a Bearer token is given (401 when it is not valid), after counting the request
    against its limit."""
    caller = await current_caller(request, token, bearer) if token or bearer else None
    rates: CatalogueRates = request.app.state.catalogue_rates
    client = f"key:{caller.key_id}" if caller else address_of(request)
    await rates.admit(client, keyed=caller is not None)
    return caller


def address_of(request: Request) -> str:
    """The client a request without a key counts against: its address (the storefront's pages count there too)."""
    return f"address:{request.client.host if request.client else '-'}"


CatalogueClient = Annotated[Caller | None, Depends(catalogue_client)]


router = APIRouter(tags=["catalogue"])
JSON_LD = "application/ld+json"
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many requests from this client; see Retry-After"},
    304: {"description": "Unchanged"},
}


class PublishedListing(ListingState):
    status: Literal["published"]


class WithdrawnListing(BaseModel):
    """A tombstone: the listing left the catalogue (shown only with `updated_since`)."""

    listing_id: str
    status: Literal["withdrawn"]
    updated_at: datetime


class CatalogueQuery(BaseModel):
    """A search of the catalogue; every filter is optional. Read as one model: one validation per request."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(None, max_length=100, description="Words in the title, description or product")
    category: Category | None = None
    price_min: int | None = Field(None, ge=0, le=LARGEST_COUNT * 1000, description="Rupiah per unit, at least")
    price_max: int | None = Field(None, ge=0, le=LARGEST_COUNT * 1000, description="Rupiah per unit, at most")
    in_stock: bool | None = None
    facility_id: str | None = Field(None, max_length=64)
    agency_id: str | None = Field(None, max_length=64, description="The partner agency (OPD), e.g. dkpp")
    updated_since: datetime | None = Field(None, description="Changed since; withdrawn listings come as tombstones")
    after: str | None = Field(None, max_length=64, description="The `next_cursor` of the previous page")
    limit: int = Field(50, ge=1, le=200, description="At most this many items")


SearchQuery = Annotated[CatalogueQuery, query_model(CatalogueQuery)]


class CataloguePage(BaseModel):
    items: list[PublishedListing | WithdrawnListing]
    next_cursor: str | None
    more: bool


@router.get(
    "/listings",
    summary="Search the catalogue",
    description="Published listings in the order of their last change. Follow `next_cursor` (given even at the "
    "end) to see every later change once; with `updated_since`, withdrawn listings come as tombstones, so a "
    "client can mirror the catalogue exactly.",
    response_model=CataloguePage,
    responses=LIMITED,
    openapi_extra=query_parameters(CatalogueQuery),
)
async def search_catalogue(
    request: Request, database: DatabaseDep, client: CatalogueClient, query: SearchQuery
) -> Response:
    search = Search(
        query.q, query.category, query.price_min, query.price_max, query.in_stock, query.facility_id,
        query.agency_id, query.updated_since,
    )  # fmt: skip

    async def render(position: int) -> Rendered:
        found = await handlers.search(database, search, after=query.after, limit=query.limit)
        return rendered({"items": found.items, "next_cursor": found.cursor, "more": found.more}, position)

    # keyed by the parsed parameters, not the URL's text: parameters it does not read, or given in another order,
    # are the same answer and never another entry
    key = "search?" + query.model_dump_json(exclude_none=True)
    return conditional(request, await _pages(request).answer(database, key, render))


@router.get(
    "/listings/{listing_id}",
    summary="A published listing, as JSON or as schema.org Product JSON-LD (Accept: application/ld+json)",
    response_model=PublishedListing,
    responses={**LIMITED, 200: {"content": {JSON_LD: {}}}, 404: {"description": "Not in the catalogue"}},
)
async def catalogue_listing(
    listing_id: PathId, request: Request, database: DatabaseDep, client: CatalogueClient
) -> Response:
    as_json_ld = JSON_LD in request.headers.get("accept", "")

    async def render(position: int) -> Rendered:
        listing = await handlers.listing(database, listing_id)
        if listing is None:
            raise ListingNotFound(f"No listing {listing_id} in the catalogue.", field="listing_id")
        if as_json_ld:
            return rendered(product(listing, str(request.base_url)), position, media_type=JSON_LD)
        return rendered(listing, position)

    # only JSON-LD names the base URL in its body
    key = f"listing/{listing_id}?ld@{request.base_url}" if as_json_ld else f"listing/{listing_id}?json"
    return conditional(request, await _pages(request).answer(database, key, render))


def _pages(request: Request) -> RenderedPages:
    pages: RenderedPages = request.app.state.rendered_pages
    return pages


def rendered(body: dict[str, Any], position: int, *, media_type: str = "application/json") -> Rendered:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Rendered(content, '"' + hashlib.sha256(content).hexdigest()[:32] + '"', media_type, position)


def conditional(request: Request, answer: Rendered) -> Response:
    """The answer with its ETag; 304 without a body when the client's `If-None-Match` already names it."""
    headers = {"ETag": answer.etag, "Cache-Control": "public, no-cache", "Vary": "Accept, X-API-Key"}
    known = {each.strip().removeprefix("W/") for each in request.headers.get("if-none-match", "").split(",")}
    if answer.etag in known or "*" in known:
        return Response(status_code=304, headers=headers)
    return Response(answer.content, media_type=answer.media_type, headers=headers)
