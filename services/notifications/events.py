"""The topics the notifications service publishes to and consumes."""

PUBLISHES = "notifications.events"
CONSUMES: list[str] = ["enrolment.events", "production.events", "marketplace.events"]
