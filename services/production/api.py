"""Production HTTP routes: sites, inputs received and production cycles, one module per noun."""

from fastapi import APIRouter

from services.production import api_cycles, api_inputs, api_sites

router = APIRouter()
for part in (api_sites, api_inputs, api_cycles):
    router.include_router(part.router)
