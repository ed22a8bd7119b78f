"""HTTP routes for listing photos: the body is the image itself (JPEG, PNG or WebP)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.marketplace.callers import ListingWriter, facility_reach
from services.marketplace.listings.api import ListingOut
from services.marketplace.photos import handlers
from services.marketplace.photos.handlers import PhotoChecks
from shared.http.app import DatabaseDep
from shared.http.parameters import PathId

router = APIRouter(tags=["photos"])
IMAGE_TYPES = {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in ("image/jpeg", "image/png", "image/webp")
}


def photo_checks(request: Request) -> PhotoChecks:
    """The app's one bound on decoding uploads, made at its first upload from the service's settings."""
    state = request.app.state
    if getattr(state, "photo_checks", None) is None:
        settings = state.runtime.settings
        state.photo_checks = PhotoChecks(
            max_bytes=settings.photo_max_bytes,
            max_pixels=settings.photo_max_pixels,
            concurrency=settings.photo_decode_concurrency,
        )
    checks: PhotoChecks = state.photo_checks
    return checks


PhotoChecksDep = Annotated[PhotoChecks, Depends(photo_checks)]


@router.post(
    "/listings/{listing_id}/photos",
    status_code=201,
    summary="Add a photo to a listing",
    openapi_extra={"requestBody": {"required": True, "content": IMAGE_TYPES}},
    responses={404: {}, 422: {"description": "Not an image, or too large"}},
)
async def add_photo(
    listing_id: PathId, request: Request, database: DatabaseDep, caller: ListingWriter, checks: PhotoChecksDep
) -> ListingOut:
    listing, _ = await handlers.add_photo(
        database, listing_id, await request.body(), checks=checks, reach=facility_reach(caller)
    )
    return ListingOut.from_domain(listing)


@router.delete("/listings/{listing_id}/photos/{photo_id}", summary="Remove a photo", responses={404: {}})
async def remove_photo(
    listing_id: PathId, photo_id: PathId, database: DatabaseDep, caller: ListingWriter
) -> ListingOut:
    listing = await handlers.remove_photo(database, listing_id, photo_id, reach=facility_reach(caller))
    return ListingOut.from_domain(listing)


@router.get(
    "/listings/{listing_id}/photos/{photo_id}",
    summary="A photo of a published listing; never changes, so it is cached for a year",
    response_class=Response,
    responses={200: {"content": IMAGE_TYPES}, 304: {"description": "Unchanged"}, 404: {}},
)
async def photo(listing_id: PathId, photo_id: PathId, request: Request, database: DatabaseDep) -> Response:
    found = await handlers.public_photo(database, listing_id, photo_id)
    headers = {"ETag": f'"{found["sha256"]}"', "Cache-Control": "public, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return Response(bytes(found["data"]), media_type=found["content_type"], headers=headers)
