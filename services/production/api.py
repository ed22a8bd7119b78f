"""Production HTTP routes, one module per noun: sites, inputs, cycles, crediting, harvests, lots and figures."""

from fastapi import APIRouter

from services.production import (
    api_crediting,
    api_cycles,
    api_figures,
    api_harvests,
    api_inputs,
    api_lots,
    api_sites,
)

router = APIRouter()
for part in (api_sites, api_inputs, api_cycles, api_crediting, api_harvests, api_lots, api_figures):
    router.include_router(part.router)
