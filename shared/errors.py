"""Domain errors, named by fact; the HTTP edge maps them to problem details once."""


class DomainError(Exception):
    """A rule said no. Subclasses name the fact (`CohortFull(Conflict)`); `field` names the input at fault."""

    status = 400
    slug = "invalid-request"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class InvalidInput(DomainError):
    status = 422
    slug = "invalid-input"


class NotFound(DomainError):
    status = 404
    slug = "not-found"


class Conflict(DomainError):
    status = 409
    slug = "conflict"


class Forbidden(DomainError):
    status = 403
    slug = "forbidden"
