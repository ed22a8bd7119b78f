"""Production HTTP routes: sites, inputs, cycles, crediting, harvests and batches, one module per noun."""

from fastapi import APIRouter

from services.production import api_crediting, api_cycles, api_harvests, api_inputs, api_sites

router = APIRouter()
for part in (api_sites, api_inputs, api_cycles, api_crediting, api_harvests):
    router.include_router(part.router)
