"""The topics the marketplace service publishes to and consumes."""

from shared.contracts import marketplace

PUBLISHES = marketplace.TOPIC
COMPACTED = [marketplace.LISTINGS_TOPIC]
CONSUMES: list[str] = ["enrolment.events", "production.events"]
