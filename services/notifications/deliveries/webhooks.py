"""One signed webhook POST: the CloudEvents JSON body, the Standard Webhooks headers, sent to the address the
target check pinned, without following redirects; the answer as a delivery records it."""

import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook

from services.notifications.deliveries.domain import Answer, excerpt, retry_after_seconds
from services.notifications.endpoints.addresses import ForbiddenTarget, Resolver, Target, TargetPolicy, checked

CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
USER_AGENT = "pembinaan-notifications/1.0"
ANSWER_READ_BYTES = 65_536


@dataclass(frozen=True)
class Courier:
    """What every send needs: one HTTP client (its pooled connections reused), the target policy, a resolver."""

    client: httpx.AsyncClient
    policy: TargetPolicy
    resolve: Resolver
    timeout_seconds: float


def signature(secrets: list[str], message_id: str, timestamp: datetime, body: str) -> str:
    """Every secret's signature, space separated: while an old secret overlaps a new one, either verifies."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets)


def signed_headers(secrets: list[str], message_id: str, body: str, now: datetime) -> dict[str, str]:
    return {
        "content-type": CONTENT_TYPE,
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature(secrets, message_id, now, body),
    }


@functools.lru_cache(maxsize=4096)
def pinned_url(url: str, address: str) -> tuple[httpx.URL, str]:
    """The URL with its host replaced by the checked address, and the `Host` header that names the host."""
    parsed = httpx.URL(url)
    return parsed.copy_with(host=address), parsed.netloc.decode("ascii")


def pinned_request(client: httpx.AsyncClient, target: Target, body: str, headers: dict[str, str]) -> httpx.Request:
    """A request to the checked address, with the URL's host in `Host` (and in TLS's SNI and certificate check)."""
    url, host_header = pinned_url(target.url, target.address)
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return client.build_request(
        "POST", url, content=body.encode(), headers={**headers, "host": host_header}, extensions=extensions
    )


async def post(courier: Courier, *, url: str, message_id: str, body: str, secrets: list[str]) -> Answer:
    """Check the URL again (names may resolve elsewhere now), sign, POST; never raises for the receiver's sake."""
    started = time.perf_counter()
    try:
        target = await checked(url, courier.policy, courier.resolve)
    except ForbiddenTarget as refused:
        return Answer(status=None, latency_seconds=0.0, error=f"refused target: {refused.detail}")
    now = datetime.now(UTC)
    request = pinned_request(courier.client, target, body, signed_headers(secrets, message_id, body, now))
    try:
        response = await courier.client.send(request, follow_redirects=False, stream=True)
        answer = await _read_some(response)
    except httpx.TimeoutException:
        return Answer(status=None, latency_seconds=time.perf_counter() - started, error="timeout")
    except httpx.HTTPError as error:
        return Answer(status=None, latency_seconds=time.perf_counter() - started, error=type(error).__name__)
    latency = time.perf_counter() - started
    return Answer(
        status=response.status_code,
        latency_seconds=latency,
        excerpt=excerpt(answer),
        retry_after_seconds=retry_after_seconds(response.headers.get("retry-after"), now),
    )


async def _read_some(response: httpx.Response) -> bytes:
    """The start of the answer; a receiver that answers at length is cut off (its connection is not reused)."""
    read = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            read += chunk
            if len(read) >= ANSWER_READ_BYTES:
                break
    finally:
        await response.aclose()
    return bytes(read)


def new_client(timeout_seconds: float, max_connections: int = 512) -> httpx.AsyncClient:
    """One client for every endpoint: connections are pooled per address and reused; no redirects followed."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        trust_env=False,
    )
