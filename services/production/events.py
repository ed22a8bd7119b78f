"""The topics the production service publishes to and consumes."""

from shared.contracts import production

PUBLISHES = production.TOPIC
CONSUMES: list[str] = ["enrolment.events", "marketplace.events"]
