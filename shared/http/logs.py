"""JSON log lines, one object a line, carrying the service name and the correlation id, and never personal data.

A request's lines carry its `request_id`; lines written while an event is handled carry the event's `event_id`;
both carry `correlation_id`, the id of the request that started it all, so grepping one correlation id across
every service's log follows a request through the events it caused.

What keeps personal data out: the access line names the route template, never the URL or its query string;
an error is logged by its type and where it happened, never by its message (a duplicate-key or validation
message can quote the data that caused it); and the libraries' own logs that quote whole documents
(PyMongo's command log) or URLs (httpx) stay off below WARNING.
"""

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

from shared.tracing import handling, request_id


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if current := request_id.get():
            line["request_id"] = line["correlation_id"] = current
        if (event := handling.get()) and event.causation_id and event.correlation_id:
            line["event_id"], line["correlation_id"] = event.causation_id, event.correlation_id
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            line["error"] = kind.__name__
            line["trace"] = "".join(traceback.format_tb(trace))
        return json.dumps(line)


def configure_json_logs(service: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel(max(logging.getLevelName(level), logging.WARNING))
    for quoting_urls_or_documents in ("pymongo", "httpx", "httpcore"):
        logging.getLogger(quoting_urls_or_documents).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True  # RequestContext writes an access line without the URL
