"""The demo's webhook receiver (`make run`): verifies each delivery with its agency's secret and logs a line.

`POST /hooks/<agency>` verifies the Standard Webhooks signature with the secret `deploy.demo_data` kept for
that agency (DEMO_WEBHOOKS_FILE), answers 204 (401 when it does not verify) and prints what arrived: agency,
type, subject, sequence. Its log is `$DATA_DIR/logs/receiver.log`.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.types import Receive, Scope, Send

SECRETS = Path(os.environ.get("DEMO_WEBHOOKS_FILE", ".data/demo-webhooks.json"))


async def answer(send: Send, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def verified(agency: str, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
    endpoints = json.loads(SECRETS.read_text()) if SECRETS.exists() else {}
    secret = endpoints.get(agency, {}).get("secret")
    if secret is None:
        return None
    try:
        event: dict[str, Any] = Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return None
    return event


async def receiver(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    if scope["path"].startswith("/health/"):
        await answer(send, 200)
        return
    body, more = b"", True
    while more:
        message = await receive()
        body, more = body + message.get("body", b""), message.get("more_body", False)
    agency = scope["path"].removeprefix("/hooks/")
    headers = {name.decode(): value.decode() for name, value in scope["headers"]}
    event = verified(agency, body, headers)
    if event is None:
        print(json.dumps({"agency": agency, "verified": False}), flush=True)
        await answer(send, 401)
        return
    line = {"agency": agency, "type": event["type"], "subject": event["subject"], "sequence": event["sequence"]}
    print(json.dumps({**line, "verified": True}), flush=True)
    await answer(send, 204)


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("RECEIVER_HTTP_PORT", "8090"))
    host = os.environ.get("RECEIVER_HTTP_HOST", "127.0.0.1")
    uvicorn.run(receiver, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
