"""The topics the notifications service consumes; it publishes none (its feed and webhooks are its output)."""

PUBLISHES = None
CONSUMES: list[str] = ["enrolment.events", "production.events", "marketplace.events"]
