"""The topics the marketplace service publishes to and consumes."""

PUBLISHES = "marketplace.events"
CONSUMES: list[str] = ["production.events"]
