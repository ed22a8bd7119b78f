"""Routes of webhook endpoints, managed by the agency's (or integrator's) own key."""

from datetime import datetime, timedelta
from typing import Annotated, Any, Self

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from services.notifications.callers import EndpointReader, EndpointWriter
from services.notifications.endpoints import handlers
from services.notifications.endpoints.domain import Endpoint, Filters
from services.notifications.endpoints.handlers import Targets
from shared.http.app import DatabaseDep
from shared.http.parameters import PathId
from shared.storage.pages import After, Limit, Page

router = APIRouter(tags=["webhook endpoints"])

Ids = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=100)]
EventTypes = Annotated[list[Annotated[str, Field(min_length=1, max_length=120)]], Field(min_length=1, max_length=100)]
Url = Annotated[str, Field(min_length=1, max_length=2048, description="http(s) URL reaching a public address")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No endpoint of this key's agency has this id"}}


async def targets(request: Request) -> Targets:
    """Where webhooks may go, as the service's settings say (set by main.py)."""
    found: Targets = request.app.state.targets
    return found


TargetsDep = Annotated[Targets, Depends(targets)]


class FiltersIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"commodities": ["lele", "nila"]}]})

    programme_ids: Ids = []
    facility_ids: Ids = []
    commodities: Ids = []


class EndpointIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"url": "https://dkpp.example.go.id/hooks/pembinaan", "event_types": ["production.*"]}]
        },
    )

    url: Url
    event_types: EventTypes = Field(description="Exact types or prefixes such as `production.*`, within the grant")
    filters: FiltersIn = FiltersIn()
    description: str = Field("", max_length=500)
    enabled: bool = True
    max_concurrency: int = Field(4, ge=1, le=64, description="Sends in flight at once to this endpoint")
    rate_limit_per_second: float | None = Field(None, gt=0, le=10_000)


class EndpointChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"enabled": True}, {"event_types": ["production.lot.*"]}]}
    )

    url: Url | None = None
    event_types: EventTypes | None = None
    filters: FiltersIn | None = None
    description: str | None = Field(None, max_length=500)
    enabled: bool | None = Field(None, description="Re-enabling answers how many deliveries it missed meanwhile")
    max_concurrency: int | None = Field(None, ge=1, le=64)
    rate_limit_per_second: float | None = Field(None, gt=0, le=10_000)


class FiltersOut(BaseModel):
    programme_ids: list[str]
    facility_ids: list[str]
    commodities: list[str]


class EndpointOut(BaseModel):
    id: str
    owner_kind: str
    owner_id: str
    url: str
    event_types: list[str]
    filters: FiltersOut
    description: str
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None
    max_concurrency: int
    rate_limit_per_second: float | None
    created_at: datetime

    @classmethod
    def from_domain(cls, endpoint: Endpoint) -> Self:
        filters = {name: sorted(getattr(endpoint.filters, name)) for name in FiltersOut.model_fields}
        return cls(
            **{name: getattr(endpoint, name) for name in cls.model_fields if hasattr(endpoint, name)}
            | {
                "owner_kind": endpoint.owner.kind.value,
                "owner_id": endpoint.owner.id,
                "event_types": sorted(endpoint.event_types),
                "filters": FiltersOut(**filters),
            }
        )


class EndpointCreated(EndpointOut):
    secret: str = Field(description="The signing secret (Standard Webhooks `whsec_...`); shown only now")


class EndpointChanged(EndpointOut):
    missed_deliveries: int = Field(description="Deliveries it missed while disabled: POST .../recoveries sends them")


class Rotation(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"overlap_seconds": 3600}]})

    overlap_seconds: int = Field(86_400, ge=0, le=7 * 86_400, description="How long the old secret still signs")


class RotatedSecret(BaseModel):
    secret: str
    previous_secrets_expire_at: datetime | None


@router.post(
    "/endpoints",
    status_code=201,
    summary="Create a webhook endpoint; the answer shows its signing secret, once",
    responses={403: {"description": "A key of neither an agency nor an integrator"}},
)
async def create_endpoint(
    body: EndpointIn, database: DatabaseDep, targets: TargetsDep, caller: EndpointWriter
) -> EndpointCreated:
    fields = body.model_dump()
    made = await handlers.create_endpoint(
        database, targets, caller=caller, **fields | {"filters": filters_of(body.filters)}
    )
    return EndpointCreated(**EndpointOut.from_domain(made).model_dump(), secret=made.secrets[0].value)


def filters_of(filters: FiltersIn) -> Filters:
    return Filters(**{name: frozenset(values) for name, values in filters.model_dump().items()})


@router.get("/endpoints", summary="This key's endpoints (all of them for platform staff), oldest first")
async def list_endpoints(
    database: DatabaseDep, caller: EndpointReader, after: After = None, limit: Limit = 50
) -> Page[EndpointOut]:
    found, cursor = await handlers.endpoints_page(database, caller=caller, after=after, limit=limit)
    return Page(items=[EndpointOut.from_domain(endpoint) for endpoint in found], next_cursor=cursor)


@router.get("/endpoints/{endpoint_id}", summary="An endpoint, with why it was disabled", responses=NOT_FOUND)
async def get_endpoint(endpoint_id: PathId, database: DatabaseDep, caller: EndpointReader) -> EndpointOut:
    return EndpointOut.from_domain(await handlers.endpoint(database, endpoint_id, caller=caller))


@router.patch("/endpoints/{endpoint_id}", summary="Change or re-enable an endpoint", responses=NOT_FOUND)
async def change_endpoint(
    endpoint_id: PathId, body: EndpointChange, database: DatabaseDep, targets: TargetsDep, caller: EndpointWriter
) -> EndpointChanged:
    given = body.model_dump(exclude_unset=True)  # a null rate limit lifts it; other nulls change nothing
    changes = {name: value for name, value in given.items() if value is not None or name == "rate_limit_per_second"}
    changed, missed = await handlers.change_endpoint(database, targets, endpoint_id, caller=caller, changes=changes)
    return EndpointChanged(**EndpointOut.from_domain(changed).model_dump(), missed_deliveries=missed)


@router.post(
    "/endpoints/{endpoint_id}/secret-rotations",
    summary="A new signing secret, shown once; the previous one keeps signing for the overlap",
    responses=NOT_FOUND,
)
async def rotate_secret(
    endpoint_id: PathId, body: Rotation, database: DatabaseDep, caller: EndpointWriter
) -> RotatedSecret:
    overlap = timedelta(seconds=body.overlap_seconds)
    rotated = await handlers.rotate_secret(database, endpoint_id, caller=caller, overlap=overlap)
    expiring = [secret.expires_at for secret in rotated.secrets[1:] if secret.expires_at is not None]
    return RotatedSecret(secret=rotated.secrets[0].value, previous_secrets_expire_at=max(expiring, default=None))
