"""Contracts of the events the production service publishes. Participants appear only by opaque id."""

from shared.events.registry import EventData, contract

TOPIC = "production.events"

__all__ = ["TOPIC", "EventData", "contract"]
