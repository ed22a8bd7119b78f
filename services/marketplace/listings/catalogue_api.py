"""The public catalogue for integrators: no key needed (rate-limited per client), cursor pages in the commit
order of each listing's last change, `ETag`/`If-None-Match`, and schema.org JSON-LD on request."""

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from services.marketplace.listings import catalogue
from services.marketplace.listings.catalogue import Search
from services.marketplace.listings.domain import Category, ListingNotFound
from services.marketplace.listings.rates import CatalogueClient
from shared.bounds import LARGEST_COUNT
from shared.events.marketplace import ListingState
from shared.http import DatabaseDep
from shared.pages import After, Limit
from shared.parameters import Filter, PathId

router = APIRouter(tags=["catalogue"])
JSON_LD = "application/ld+json"
Price = Annotated[int | None, Query(ge=0, le=LARGEST_COUNT * 1000)]
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
)
async def search_catalogue(
    request: Request,
    database: DatabaseDep,
    client: CatalogueClient,
    q: Annotated[str | None, Query(max_length=100, description="Words in the title, description or product")] = None,
    category: Category | None = None,
    price_min: Price = None,
    price_max: Price = None,
    in_stock: bool | None = None,
    facility_id: Filter = None,
    agency_id: Filter = None,
    updated_since: datetime | None = None,
    after: After = None,
    limit: Limit = 50,
) -> Response:
    search = Search(q, category, price_min, price_max, in_stock, facility_id, agency_id, updated_since)
    found = await catalogue.search(database, search, after=after, limit=limit)
    return etagged(request, {"items": found.items, "next_cursor": found.cursor, "more": found.more})


@router.get(
    "/listings/{listing_id}",
    summary="A published listing, as JSON or as schema.org Product JSON-LD (Accept: application/ld+json)",
    response_model=PublishedListing,
    responses={**LIMITED, 200: {"content": {JSON_LD: {}}}, 404: {"description": "Not in the catalogue"}},
)
async def catalogue_listing(
    listing_id: PathId, request: Request, database: DatabaseDep, client: CatalogueClient
) -> Response:
    listing = await catalogue.listing(database, listing_id)
    if listing is None:
        raise ListingNotFound(f"No listing {listing_id} in the catalogue.", field="listing_id")
    if JSON_LD in request.headers.get("accept", ""):
        return etagged(request, product(listing, str(request.base_url)), media_type=JSON_LD)
    return etagged(request, listing)


def etagged(request: Request, body: dict[str, Any], *, media_type: str = "application/json") -> Response:
    """The body with its ETag; 304 without it when the client's `If-None-Match` already names it."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    tag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": "public, no-cache", "Vary": "Accept, X-API-Key"}
    known = {each.strip().removeprefix("W/") for each in request.headers.get("if-none-match", "").split(",")}
    if tag in known or "*" in known:
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)


def product(listing: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A listing as a schema.org Product with its Offer."""
    url = f"{base_url}listings/{listing['listing_id']}"
    in_stock = Decimal(listing["stock"]) > 0
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": url,
        "sku": listing["listing_id"],
        "name": listing["title"],
        "description": listing["description"],
        "category": listing["category"],
        "image": [f"{url}/photos/{photo_id}" for photo_id in listing["photo_ids"]],
        "countryOfOrigin": "ID",
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": listing["price"],
            "priceCurrency": listing["currency"],
            "availability": f"https://schema.org/{'InStock' if in_stock else 'OutOfStock'}",
            "inventoryLevel": {"@type": "QuantitativeValue", "value": listing["stock"], "unitText": listing["unit"]},
            "eligibleQuantity": {
                "@type": "QuantitativeValue",
                "minValue": listing["minimum_order"],
                "unitText": listing["unit"],
            },
            "seller": {"@type": "Organization", "identifier": listing["facility_id"]},
        },
    }
