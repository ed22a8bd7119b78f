"""One send against real servers on loopback: a whole attempt has a deadline however its receiver trickles, names
resolve off the loop's default thread pool with a time limit and a short cache, and pooled TLS connections are
kept per address and server name."""

import asyncio
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Event
from typing import Any

import pytest

from services.notifications.couriers.handlers import Courier, new_ssl_context
from services.notifications.endpoints.domain import TargetPolicy
from services.notifications.endpoints.handlers import NameNotResolved, NameResolver, Targets
from tests.integration.notifications.conftest import Start
from tests.support.infrastructure import Infrastructure
from tests.support.notifications import agency_key, endpoint, grant, publish_events, site
from tests.support.receivers import Connections, Nameserver, nameserver, receiving_over_tls, trickling
from tests.support.services import RunningService, eventually

LOOPBACK = TargetPolicy.of(["127.0.0.0/8"], [], any_port=True)


async def test_a_receiver_trickling_its_answer_is_cut_off_at_the_deadline_and_the_attempt_recorded(
    infrastructure: Infrastructure, namespace: str, webhooks: RunningService
) -> None:
    await grant(webhooks, "dkpp", ["production.site.registered"])
    key = await agency_key(webhooks, "dkpp")
    async with trickling(every_seconds=0.2) as url:  # each read waits 0.2 s; the whole answer would take hours
        made = await endpoint(webhooks, key, url, ["production.site.registered"])
        await publish_events(infrastructure, namespace, [site("rak-1")])

        async def first_attempt() -> list[dict[str, Any]]:
            log = await webhooks.http.get(f"/endpoints/{made['id']}/attempts", headers=key)
            return list(log.json())

        attempts = await eventually(first_attempt)
        assert attempts[-1]["error"] == "timeout"
        assert attempts[-1]["status"] is None


async def test_names_resolve_without_the_default_thread_pool_within_a_time_limit_and_are_kept_a_short_while() -> None:
    loop = asyncio.get_running_loop()
    busy, release = ThreadPoolExecutor(max_workers=1), Event()
    loop.set_default_executor(busy)
    blocked = loop.run_in_executor(None, release.wait)  # the pool the database and Kafka clients share, taken
    try:
        server = Nameserver(records={"hooks.dkpp.example": "203.0.113.7"}, ttl=300)
        async with nameserver(server) as port:
            resolve = NameResolver(timeout_seconds=1.0, cache_seconds=30, nameservers=["127.0.0.1"], port=port)
            assert await resolve("hooks.dkpp.example", 443) == ["203.0.113.7"]
            assert await resolve("hooks.dkpp.example", 443) == ["203.0.113.7"]
            assert sorted(server.asked) == [("hooks.dkpp.example", "A"), ("hooks.dkpp.example", "AAAA")]
            with pytest.raises(NameNotResolved):
                await resolve("nowhere.example", 443)

            uncached = NameResolver(timeout_seconds=1.0, cache_seconds=0, nameservers=["127.0.0.1"], port=port)
            await uncached("hooks.dkpp.example", 443)
            await uncached("hooks.dkpp.example", 443)
            assert len(server.asked) == 2 + 2 + 4

            server.silent = True
            with pytest.raises(NameNotResolved):
                await NameResolver(timeout_seconds=0.3, cache_seconds=30, nameservers=["127.0.0.1"], port=port)(
                    "silent.example", 443
                )
    finally:
        release.set()
        await blocked
        busy.shutdown()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[str, str]:
    """A self-signed certificate for two names, a.hooks.example and b.hooks.example."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=a.hooks.example",
            "-addext", "subjectAltName=DNS:a.hooks.example,DNS:b.hooks.example",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


async def test_two_hosts_behind_one_address_never_share_a_pooled_tls_connection(
    certificate: tuple[str, str],
) -> None:
    async def both_here(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    cert, key = certificate
    seen = Connections()
    courier = Courier(Targets(LOOPBACK, both_here), 5.0, ssl_context=new_ssl_context(cafile=cert))
    async with receiving_over_tls(seen, cert, key) as port, courier:
        for host in ["a", "b", "a", "b"]:
            answer = await courier.post(
                url=f"https://{host}.hooks.example:{port}/hooks",
                message_id="m",
                body="{}",
                secrets=["whsec_" + "A" * 44],
            )
            assert answer.status == 200, answer
    connection_of = {host: {port for seen_host, port in seen.seen if seen_host == host} for host, _ in seen.seen}
    a, b = connection_of[f"a.hooks.example:{port}"], connection_of[f"b.hooks.example:{port}"]
    assert len(a) == len(b) == 1  # each host's connection is reused...
    assert a != b  # ...and never the other's


async def test_the_start_of_the_service_wires_the_resolver(start_notifications: Start) -> None:
    async with start_notifications() as service:
        assert isinstance(service.app.state.targets.resolve, NameResolver)
