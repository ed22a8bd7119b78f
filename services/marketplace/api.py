"""Marketplace HTTP routes; listings and orders land here."""

from fastapi import APIRouter

router = APIRouter(tags=["marketplace"])
