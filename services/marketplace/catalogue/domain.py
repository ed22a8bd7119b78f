"""The public catalogue for integrators, as the marketplace shows it: a search, a page of it, the facilities and
agencies a search can ask for, a listing as a schema.org Product, and a rendered answer kept for the next ask;
pure.

The cursor is a position in the commit order of each listing's last change, not a listing: a listing that
changes moves to the end, so a client following the cursor sees every change once it commits, and never misses
one."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Search:
    text: str | None = None
    category: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    facility_id: str | None = None
    agency_id: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class Found:
    items: list[dict[str, Any]]
    cursor: str | None
    more: bool


@dataclass(frozen=True)
class Choices:
    """The facilities and partner agencies that published listings name: what a search can usefully ask for."""

    facility_ids: list[str]
    agency_ids: list[str]
    names: dict[str, str]
    """Facility and agency ids -> their names, as far as learnt."""

    def facility(self, facility_id: str) -> str:
        return self.names.get(facility_id, facility_id)

    def agency(self, agency_id: str) -> str:
        return self.names.get(agency_id, agency_id)


@dataclass(frozen=True)
class Rendered:
    """An answer as sent, and the catalogue's position when it was made: true while the position stands."""

    content: bytes
    etag: str
    media_type: str
    position: int


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
