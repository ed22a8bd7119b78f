"""Log lines carry the correlation id of the request behind them, in a request and while handling its events."""

import json
import logging

from shared.http.logs import JsonFormatter
from shared.tracing import Trace, handling_event, request_id


def formatted(message: str) -> dict[str, str]:
    record = logging.LogRecord("shared.messaging.consumer", logging.INFO, __file__, 1, message, None, None)
    line: dict[str, str] = json.loads(JsonFormatter("production").format(record))
    return line


def test_a_request_line_carries_its_request_id_as_the_correlation_id() -> None:
    token = request_id.set("req-1")
    try:
        line = formatted("POST /participants 201")
    finally:
        request_id.reset(token)
    assert (line["request_id"], line["correlation_id"], line["service"]) == ("req-1", "req-1", "production")
    assert "event_id" not in line


def test_a_line_written_while_handling_an_event_carries_the_event_and_the_request_behind_it() -> None:
    with handling_event(Trace(correlation_id="req-1", causation_id="event-9")):
        line = formatted("handled enrolment.participant.registered")
    assert (line["correlation_id"], line["event_id"]) == ("req-1", "event-9")
    assert "request_id" not in line
    assert "correlation_id" not in formatted("after the event")
