"""The topics the production service publishes to and consumes."""

PUBLISHES = "production.events"
CONSUMES: list[str] = ["enrolment.events", "marketplace.events"]
