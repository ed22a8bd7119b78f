"""HTTP routes for officers' work on listings: complete, publish, withdraw; their own facility's, drafts too."""

from datetime import date, datetime
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.marketplace.callers import ListingWriter, facility_reach
from services.marketplace.listings import handlers
from services.marketplace.listings.domain import Category, Listing, ListingStatus, LotStock, Revision
from shared.contracts.amounts import ExactDecimal
from shared.http.app import DatabaseDep
from shared.http.bounds import Amount, Rupiah
from shared.http.parameters import PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["listings (officers)"])
PermitNumber = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9./\- ]+$")]


class ListingRevision(BaseModel):
    """What to change; a field left out (or null) stays as it is. A price change is kept in the history."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Kangkung hidroponik segar",
                    "description": "Dipanen pagi hari di Rutan Kelas IIB Serang.",
                    "category": "vegetables",
                    "price": 12000,
                    "minimum_order": "0.5",
                }
            ]
        },
    )

    title: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, min_length=1, max_length=2000)
    category: Category | None = None
    price: Rupiah | None = Field(None, description="Whole rupiah per unit, above zero")
    minimum_order: Amount | None = Field(None, gt=0, description="In the listing's unit, above zero")
    food: bool | None = Field(None, description="Food carries its P-IRT permit and halal certificate numbers")
    pirt_number: PermitNumber | None = None
    halal_number: PermitNumber | None = None


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "cek mutu ulang"}]})

    reason: str = Field(min_length=1, max_length=200, description="Why, e.g. quality check")


class LotStockOut(BaseModel):
    lot_id: str
    lot_code: str
    programme_id: str
    grade: str
    best_before: date | None
    available: ExactDecimal = Field(description="What production still offers of the lot")
    held: ExactDecimal = Field(description="Held by orders not yet fulfilled")
    sold: ExactDecimal
    free: ExactDecimal = Field(description="What buyers can still order from it")

    @classmethod
    def from_domain(cls, lot: LotStock) -> Self:
        return cls.model_validate({**vars(lot), "free": lot.free})


class PriceChangeOut(BaseModel):
    price: int
    since: datetime
    by: str


class ListingOut(BaseModel):
    id: str
    facility_id: str
    product: str
    unit: str
    status: ListingStatus
    title: str
    description: str
    category: Category | None
    price: int | None
    minimum_order: ExactDecimal | None
    food: bool = Field(description="Declared food by an officer (lots from food batches are food anyway)")
    pirt_number: str | None
    halal_number: str | None
    photo_ids: list[str]
    stock: ExactDecimal
    lots: list[LotStockOut]
    price_history: list[PriceChangeOut]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version: int

    @classmethod
    def from_domain(cls, listing: Listing) -> Self:
        return cls.model_validate(
            {
                **vars(listing),
                "food": listing.food_declared,
                "stock": listing.stock,
                "lots": [LotStockOut.from_domain(lot) for lot in listing.lots],
                "price_history": [vars(change) for change in listing.price_history],
            }
        )


@router.get("/manage/listings", summary="The listings of the key's facility, drafts and withdrawn ones too")
async def manage_listings(
    database: DatabaseDep,
    caller: ListingWriter,
    status: Annotated[ListingStatus | None, Query()] = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[ListingOut]:
    found, cursor = await handlers.listings_page(
        database, status=status, reach=facility_reach(caller), after=after, limit=limit
    )
    return Page(items=[ListingOut.from_domain(listing) for listing in found], next_cursor=cursor)


@router.get("/manage/listings/{listing_id}", summary="A listing with its lots, holds and price history")
async def manage_listing(listing_id: PathId, database: DatabaseDep, caller: ListingWriter) -> ListingOut:
    return ListingOut.from_domain(await handlers.listing(database, listing_id, reach=facility_reach(caller)))


@router.patch("/listings/{listing_id}", summary="Complete or change a listing", responses={404: {}})
async def revise_listing(
    listing_id: PathId, body: ListingRevision, database: DatabaseDep, caller: ListingWriter
) -> ListingOut:
    revision = Revision(**body.model_dump())
    listing = await handlers.revise_listing(
        database, listing_id, revision, by=caller.name, reach=facility_reach(caller)
    )
    return ListingOut.from_domain(listing)


@router.post(
    "/listings/{listing_id}/publish",
    summary="Publish a complete listing",
    responses={404: {}, 409: {"description": "Already published"}, 422: {"description": "Incomplete"}},
)
async def publish_listing(listing_id: PathId, database: DatabaseDep, caller: ListingWriter) -> ListingOut:
    return ListingOut.from_domain(await handlers.publish_listing(database, listing_id, reach=facility_reach(caller)))


@router.post("/listings/{listing_id}/withdraw", summary="Take a listing out of the catalogue", responses={404: {}})
async def withdraw_listing(
    listing_id: PathId, body: Withdrawal, database: DatabaseDep, caller: ListingWriter
) -> ListingOut:
    withdrawn = await handlers.withdraw_listing(database, listing_id, reason=body.reason, reach=facility_reach(caller))
    return ListingOut.from_domain(withdrawn)
