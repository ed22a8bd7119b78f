"""The topics the production service publishes to and consumes."""

from shared.events import production

PUBLISHES = production.TOPIC
CONSUMES: list[str] = ["enrolment.events", "marketplace.events"]
