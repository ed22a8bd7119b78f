"""Listing photos, kept in the service's own database beside the listing they show."""

from datetime import UTC, datetime
from hashlib import sha256
from uuid import uuid4

from bson import Binary
from pymongo import ASCENDING, IndexModel

from services.marketplace.photos.domain import CheckedImage
from shared.storage.database import Document, Transaction

PHOTOS = "photos"

INDEXES = {PHOTOS: [IndexModel([("listing_id", ASCENDING)], name="by_listing")]}


async def add_photo(tx: Transaction, listing_id: str, data: bytes, image: CheckedImage) -> str:
    photo_id = str(uuid4())
    photo = {
        "_id": photo_id,
        "listing_id": listing_id,
        "content_type": image.content_type,
        "width": image.width,
        "height": image.height,
        "sha256": sha256(data).hexdigest(),
        "data": Binary(data),
        "created_at": datetime.now(UTC),
    }
    await tx.db[PHOTOS].insert_one(photo, session=tx.session)
    return photo_id


async def remove_photo(tx: Transaction, listing_id: str, photo_id: str) -> None:
    await tx.db[PHOTOS].delete_one({"_id": photo_id, "listing_id": listing_id}, session=tx.session)


async def photo(tx: Transaction, listing_id: str, photo_id: str) -> Document | None:
    return await tx.document(PHOTOS, {"_id": photo_id, "listing_id": listing_id})
