"""Production HTTP routes; the production domain (sites, cycles, harvests, lots) lands here."""

from fastapi import APIRouter

router = APIRouter(tags=["production"])
