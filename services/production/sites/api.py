"""HTTP routes for production sites."""

from datetime import datetime
from typing import Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.production.callers import ProductionReader, ProductionWriter, facility_reach
from services.production.quantities.api import AmountIn, AmountOut
from services.production.sites import handlers
from services.production.sites.domain import Site, SiteKind
from shared.http.app import DatabaseDep
from shared.http.parameters import Filter, PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["sites"])


class SiteRegistration(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "facility_id": "rutan-serang",
                    "name": "Rak hidroponik A",
                    "kind": "hydroponic_rack",
                    "area_m2": "12.5",
                },
                {"facility_id": "rutan-serang", "name": "Kolam lele 1", "kind": "pond", "volume_m3": 18},
            ]
        },
    )

    facility_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=120)
    kind: SiteKind
    area_m2: AmountIn | None = Field(default=None, description="Required for racks and plots, refused otherwise")
    volume_m3: AmountIn | None = Field(default=None, description="Required for ponds and tanks, refused otherwise")


class SiteOut(BaseModel):
    id: str
    facility_id: str
    name: str
    kind: SiteKind
    area_m2: AmountOut | None
    volume_m3: AmountOut | None
    created_at: datetime

    @classmethod
    def from_domain(cls, site: Site) -> Self:
        return cls.model_validate(site, from_attributes=True)


@router.post(
    "/sites",
    status_code=201,
    summary="Register a production site",
    responses={
        403: {"description": "A facility officer's key for another facility (`field: facility_id`)"},
        409: {"description": "The facility already has a site of that name"},
    },
)
async def register_site(body: SiteRegistration, database: DatabaseDep, caller: ProductionWriter) -> SiteOut:
    site = await handlers.register_site(database, reach=facility_reach(caller), **body.model_dump())
    return SiteOut.from_domain(site)


@router.get("/sites", summary="Production sites, oldest first, by facility and kind; a key lists those it reaches")
async def list_sites(
    database: DatabaseDep,
    caller: ProductionReader,
    facility_id: Filter = None,
    kind: SiteKind | None = None,
    after: After = None,
    limit: Limit = 50,
) -> Page[SiteOut]:
    found, cursor = await handlers.sites_page(
        database, reach=facility_reach(caller), facility_id=facility_id, kind=kind, after=after, limit=limit
    )
    return Page(items=[SiteOut.from_domain(site) for site in found], next_cursor=cursor)


@router.get(
    "/sites/{site_id}", summary="A production site", responses={404: {"description": "No such site within reach"}}
)
async def get_site(site_id: PathId, database: DatabaseDep, caller: ProductionReader) -> SiteOut:
    return SiteOut.from_domain(await handlers.site(database, site_id, reach=facility_reach(caller)))
