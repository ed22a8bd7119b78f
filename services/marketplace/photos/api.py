"""HTTP routes for listing photos: the body is the image itself (JPEG, PNG or WebP)."""

from fastapi import APIRouter, Request, Response

from services.marketplace.callers import ListingWriter, facility_reach
from services.marketplace.listings.api import ListingOut
from services.marketplace.photos import handlers
from shared.http.app import DatabaseDep
from shared.http.parameters import PathId

router = APIRouter(tags=["photos"])
IMAGE_TYPES = {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in ("image/jpeg", "image/png", "image/webp")
}


@router.post(
    "/listings/{listing_id}/photos",
    status_code=201,
    summary="Add a photo to a listing",
    openapi_extra={"requestBody": {"required": True, "content": IMAGE_TYPES}},
    responses={404: {}, 422: {"description": "Not an image, or too large"}},
)
async def add_photo(listing_id: PathId, request: Request, database: DatabaseDep, caller: ListingWriter) -> ListingOut:
    max_bytes: int = request.app.state.runtime.settings.photo_max_bytes
    listing, _ = await handlers.add_photo(
        database, listing_id, await request.body(), max_bytes=max_bytes, reach=facility_reach(caller)
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
