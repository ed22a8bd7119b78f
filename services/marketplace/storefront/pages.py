"""The buyers' storefront: the catalogue and each product as web pages, in Indonesian, rendered on the server.

Every page reads what the catalogue API reads (`catalogue.handlers.search`, `.listing`: the same query and the
same public state, in which no participant appears), counts against the same per-address rate limit, and
answers a bad request with a page that says what to fix. The pages are not part of the API's OpenAPI document.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException

from services.marketplace.catalogue import handlers as catalogue
from services.marketplace.catalogue.api import CatalogueRates, address_of
from services.marketplace.catalogue.domain import product
from services.marketplace.storefront import domain
from shared.http.app import DatabaseDep
from shared.storage.pages import InvalidCursor

router = APIRouter(include_in_schema=False)
HEADERS = {
    # no script runs on these pages, and nothing is loaded from elsewhere
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
TEMPLATES = Environment(
    loader=PackageLoader("services.marketplace.storefront", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters.update(
    rupiah=domain.rupiah,
    number=domain.number,
    quantity=domain.quantity,
    unit=domain.unit,
    day=domain.day,
    category=domain.category,
    source=domain.source,
)
TEMPLATES.globals.update(
    categories=domain.CATEGORIES,
    named=domain.named,
    yes=domain.YES,
)


@router.get("/", response_class=HTMLResponse)
async def catalogue_page(request: Request, database: DatabaseDep) -> HTMLResponse:
    if (refused := await admitted(request)) is not None:
        return refused
    asked = domain.asked(request.query_params)
    choices = await catalogue.choices(database)
    if asked.problem is not None:
        return render(request, "catalogue.html", status=422, asked=asked, choices=choices, found=None)
    page_size: int = request.app.state.runtime.settings.storefront_page_size
    try:
        found = await catalogue.search(database, asked.search, after=asked.after, limit=page_size)
    except InvalidCursor:
        unknown = "Tautan halaman berikutnya tidak dikenal; mulailah dari halaman pertama."
        failed = domain.Asked(asked.form, problem=unknown)
        return render(request, "catalogue.html", status=422, asked=failed, choices=choices, found=None)
    return render(request, "catalogue.html", asked=asked, choices=choices, found=found)


@router.get("/produk/{listing_id}", response_class=HTMLResponse)
async def product_page(listing_id: str, request: Request, database: DatabaseDep) -> HTMLResponse:
    if (refused := await admitted(request)) is not None:
        return refused
    listing = await catalogue.listing(database, listing_id) if len(listing_id) <= domain.LONGEST_ID else None
    if listing is None:
        return problem(request, 404, "Produk tidak ditemukan", "Produk ini tidak ada, atau sudah tidak dijual.")
    offer = product(listing, str(request.base_url))
    return render(request, "product.html", listing=listing, offer=offer)


async def admitted(request: Request) -> HTMLResponse | None:
    """None when the address may have another page; else the page that asks it to wait (429, Retry-After)."""
    rates: CatalogueRates = request.app.state.catalogue_rates
    try:
        await rates.admit(address_of(request), keyed=False)
    except HTTPException as limited:
        wait = (limited.headers or {}).get("Retry-After", "60")
        detail = f"Terlalu banyak permintaan dari alamat Anda. Silakan coba lagi dalam {wait} detik."
        return problem(request, 429, "Mohon tunggu sebentar", detail, headers={"Retry-After": wait})
    return None


def problem(
    request: Request, status: int, title: str, detail: str, *, headers: dict[str, str] | None = None
) -> HTMLResponse:
    return render(request, "problem.html", status=status, headers=headers, title=title, detail=detail)


def render(
    request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    html = TEMPLATES.get_template(template).render(root=root, **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS | (headers or {}))
