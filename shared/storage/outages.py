"""Errors that say the database cannot serve now (and will again), as opposed to a fault of the request."""

from pymongo.errors import (
    ConnectionFailure,
    ExecutionTimeout,
    OperationFailure,
    PyMongoError,
    WriteConcernError,
    WTimeoutError,
)

UNAVAILABLE_CODES = frozenset(
    {
        6,
        7,
        89,
        9001,  # host unreachable or not found, network timeout, socket exception
        13,
        18,  # unauthorized, authentication failed
        24,
        46,
        50,
        262,  # lock timeout, lock busy, time limit exceeded
        64,
        100,  # write concern failed or unsatisfiable
        91,
        189,
        10107,
        11600,
        11602,
        13435,
        13436,  # shutting down, stepped down or not primary
        112,
        251,  # write conflict, transaction aborted meanwhile
        14031,  # out of disk space
    }
)
"""Server error codes that say the database cannot serve now, not that the request is wrong."""


def waits_for_database(error: BaseException) -> bool:
    """Whether an error is the database's state (unreachable, not primary, out of disk, refusing our
    credentials, a write concern not met), which passes, rather than a fault of what was asked of it."""
    if isinstance(error, ConnectionFailure | WriteConcernError | WTimeoutError | ExecutionTimeout):
        return True
    if isinstance(error, PyMongoError) and any(
        error.has_error_label(label) for label in ("TransientTransactionError", "RetryableWriteError")
    ):
        return True
    return isinstance(error, OperationFailure) and error.code in UNAVAILABLE_CODES
