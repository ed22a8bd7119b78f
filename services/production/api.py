"""Production HTTP routes: sites, inputs, cycles, crediting, harvests, batches and lots, one module per noun."""

from fastapi import APIRouter

from services.production import api_crediting, api_cycles, api_harvests, api_inputs, api_lots, api_sites

router = APIRouter()
for part in (api_sites, api_inputs, api_cycles, api_crediting, api_harvests, api_lots):
    router.include_router(part.router)
