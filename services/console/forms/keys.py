"""Idempotency-Keys of create forms: made when the form is rendered (a hidden field), so that a double submit or a
retry of the same form is one effect at the service."""

import re
from uuid import uuid4

from starlette.datastructures import FormData

FIELD = "idempotency_key"
ACCEPTED = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def new_key() -> str:
    return str(uuid4())


def key_of(form: FormData) -> str:
    """The key the form was rendered with; a form without a sound one (typed by hand) gets a new key."""
    sent = form.get(FIELD)
    return sent if isinstance(sent, str) and ACCEPTED.fullmatch(sent) else new_key()
