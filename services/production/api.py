"""Production HTTP routes: sites, inputs, cycles and who may be credited, one module per noun."""

from fastapi import APIRouter

from services.production import api_crediting, api_cycles, api_inputs, api_sites

router = APIRouter()
for part in (api_sites, api_inputs, api_cycles, api_crediting):
    router.include_router(part.router)
