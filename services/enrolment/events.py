"""The topics the enrolment service publishes to and consumes."""

from shared.contracts import enrolment

PUBLISHES = enrolment.TOPIC
CONSUMES: list[str] = ["marketplace.events"]
