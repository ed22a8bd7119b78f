"""The topics the marketplace service publishes to and consumes."""

from shared.events import marketplace

PUBLISHES = marketplace.TOPIC
CONSUMES: list[str] = ["production.events"]
