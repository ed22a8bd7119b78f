"""Each service's published event contracts; importing the package registers them all."""

from shared.contracts import enrolment, marketplace, production

__all__ = ["enrolment", "marketplace", "production"]
