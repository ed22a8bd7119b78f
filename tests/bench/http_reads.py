"""`make bench`, HTTP part: reads against a bare FastAPI app, measured with wrk in one run on one machine.

Prints figures; asserts nothing about speed. Four measurements, each wrk with 1 thread and 32 connections:
  1. a bare FastAPI app (tests/bench/bare_app.py) under uvicorn as a process: the yardstick.
  2. the same app reading one document by id with PyMongo's async client: the least a one-document read costs.
  3. the public GET /certificates/{n}/verification of a real certificate, made through the API.
  4. an authenticated GET /participants/{id}, with an API key and with a Bearer access token (a local JWKS server
     stands in for Keycloak), the two side by side: the issue's target is a token costing no more than 5% over a key.
And, for scale, the database's own find_one by id from one client with as many at once: a read's ceiling.
Services run as their own processes (python -m services.<name>) on a namespace of their own.
"""

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import httpx
from pymongo import AsyncMongoClient

from shared.http.api_keys import ApiKeys
from tests.support.infrastructure import Infrastructure, forget
from tests.support.participants import new_registration
from tests.support.processes import REPO, start_service, stop_all, wait_ready
from tests.support.tokens import Issuer, running_issuer

KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
MONGODB = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017")
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "32"))
DATABASE_READS = int(os.environ.get("BENCH_DATABASE_READS", "6400"))
BARE_PORT, ENROLMENT_PORT = 18110, 18111
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
SESSIONS = 4
COMPETENCIES = ["nutrient mixing", "harvesting"]


@dataclass(frozen=True)
class Measured:
    """What wrk saw: requests per second, latency percentiles in milliseconds, and answers that were not 2xx."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failed: int


def milliseconds(figure: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", figure).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> Measured:
    """wrk --latency output: `Requests/sec:`, the latency distribution, and its count of failed answers."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if rate is None or p50 is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failures = (int(failed.group(1)) if failed else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return Measured(float(rate.group(1)), milliseconds(p50.group(1)), milliseconds(p99.group(1)), failures)


def wrk(url: str, headers: dict[str, str] | None = None, *, seconds: int = SECONDS) -> Measured:
    header_options = [option for name, value in (headers or {}).items() for option in ("-H", f"{name}: {value}")]
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", *header_options, url]
    return parse_wrk(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def measure(url: str, headers: dict[str, str] | None = None) -> Measured:
    wrk(url, headers, seconds=2)  # warm up: connections, caches, the JIT-less interpreter's first calls
    return wrk(url, headers)


def start_bare_app(collection: str = "bench.documents") -> subprocess.Popen[bytes]:
    """The yardstick app; its document read finds in `collection` (`<database>.<collection>`)."""
    command = [sys.executable, "-m", "uvicorn", "tests.bench.bare_app:app", "--port", str(BARE_PORT)]
    options = ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
    env = {**os.environ, "MONGODB_URL": MONGODB, "BENCH_COLLECTION": collection}
    return subprocess.Popen(
        [*command, *options], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def wait_answering(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


async def ok(http: httpx.AsyncClient, method: str, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.request(method, url, json=body)
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{method} {url}: {response.status_code} {response.text}")
    result: dict[str, Any] = response.json()
    return result


async def certificate_of_a_graduate(http: httpx.AsyncClient) -> tuple[str, str]:
    """Register, enrol, start, attend, assess and complete one participant: their id and certificate number."""
    definition = {
        "agency_id": "dkpp",
        "name": "Hidroponik sayuran",
        "skill_track": "agriculture",
        "duration_hours": 16,
        "sessions": SESSIONS,
        "competencies": COMPETENCIES,
        "minimum_attendance_rate": 0.75,
        "earns_premi": True,
    }
    programme = await ok(http, "POST", "/programmes", definition)
    await ok(http, "POST", f"/programmes/{programme['id']}/publish", {})
    opening = {"programme_id": programme["id"], "facility_id": "rutan-serang", "starts_on": "2027-01-11"}
    opening |= {"ends_on": "2027-04-30", "capacity": 1, "trainer_ids": ["bench-trainer"], "place": "greenhouse A"}
    cohort = await ok(http, "POST", "/cohorts", opening)
    participant = await ok(http, "POST", "/participants", new_registration())
    enrolment = await ok(http, "POST", "/enrolments", {"participant_id": participant["id"], "cohort_id": cohort["id"]})
    await ok(http, "POST", f"/cohorts/{cohort['id']}/start", {"started_on": "2027-01-11"})
    for session in range(1, SESSIONS + 1):
        held_on = (date(2027, 1, 11) + timedelta(days=session)).isoformat()
        marks = [{"enrolment_id": enrolment["id"], "attended": True}]
        await ok(
            http, "PUT", f"/cohorts/{cohort['id']}/sessions/{session}/attendance", {"held_on": held_on, "marks": marks}
        )
    for competency in COMPETENCIES:
        await ok(http, "POST", f"/enrolments/{enrolment['id']}/assessments", {"competency": competency, "passed": True})
    done = await ok(http, "POST", f"/enrolments/{enrolment['id']}/complete", {"completed_on": "2027-04-30"})
    return participant["id"], done["certificate_number"]


def report(name: str, measured: Measured, bare: Measured, bare_read: Measured | None = None) -> None:
    failed = f", {measured.failed} FAILED answers" if measured.failed else ""
    to_read = f", to bare read {measured.requests_per_second / bare_read.requests_per_second:.2f}" if bare_read else ""
    print(
        f"{name:<40} {measured.requests_per_second:>8,.0f} req/s  p50 {measured.p50_ms:6.1f} ms  "
        f"p99 {measured.p99_ms:6.1f} ms  ratio to bare {measured.requests_per_second / bare.requests_per_second:.2f}"
        f"{to_read}{failed}"
    )


async def database_reads(client: AsyncMongoClient[Any], namespace: str, participant_id: str) -> float:
    """find_one by id per second from one client, CONNECTIONS at once, no HTTP: the ceiling of a one-document read
    on this machine (the client's own work plus the database's)."""
    participants = client[f"{namespace}enrolment"]["participants"]

    async def reads() -> None:
        for _ in range(DATABASE_READS // CONNECTIONS):
            await participants.find_one({"_id": participant_id})

    started = time.perf_counter()
    await asyncio.gather(*(reads() for _ in range(CONNECTIONS)))
    return DATABASE_READS // CONNECTIONS * CONNECTIONS / (time.perf_counter() - started)


@dataclass(frozen=True)
class EnrolmentReads:
    verification: Measured
    by_key: Measured
    by_token: Measured
    participant_id: str


async def enrolment_reads(client: AsyncMongoClient[Any], namespace: str, issuer: Issuer) -> EnrolmentReads:
    """The certificate verification and the participant read (by key, then by token), on an enrolment service of
    its own."""
    enrolment_url = f"http://127.0.0.1:{ENROLMENT_PORT}"
    await wait_ready(enrolment_url)
    keys = ApiKeys(client[f"{namespace}enrolment"])
    admin = {"X-API-Key": await keys.mint(name="bench-admin", scopes=["admin"])}
    reader = {"X-API-Key": await keys.mint(name="bench-reader", scopes=["participants:read", "platform:staff"])}
    async with httpx.AsyncClient(base_url=enrolment_url, headers=admin) as http:
        participant_id, number = await certificate_of_a_graduate(http)
    verification = measure(f"{enrolment_url}/certificates/{number}/verification")
    url = f"{enrolment_url}/participants/{participant_id}"
    roles = ["participants:read", "platform:staff"]  # the key's scopes: no reach attribute is staff's only with it
    bearer = {"Authorization": f"Bearer {issuer.token(roles=roles, exp=int(time.time()) + 3600)}"}
    async with httpx.AsyncClient() as http:  # the keys fetched now, while this loop can serve them (wrk blocks it)
        if (response := await http.get(url, headers=bearer)).status_code != 200:
            raise RuntimeError(f"the token read failed: {response.status_code} {response.text}")
    by_key = measure(url, reader)
    by_token = measure(url, bearer)
    return EnrolmentReads(verification, by_key, by_token, participant_id)


async def main() -> None:
    if shutil.which("wrk") is None:
        print("HTTP part skipped: wrk is not installed (apt-get install -y wrk)")
        return
    namespace = f"benchhttp{uuid4().hex[:8]}_"
    print(f"HTTP reads: wrk, 1 thread, {CONNECTIONS} connections, {SECONDS} s each, after a 2 s warm-up")
    client: AsyncMongoClient[Any] = AsyncMongoClient(MONGODB, tz_aware=True)
    processes = [start_bare_app(f"{namespace}enrolment.participants")]  # the participants read below
    try:
        await wait_answering(f"http://127.0.0.1:{BARE_PORT}/ping")
        bare = measure(f"http://127.0.0.1:{BARE_PORT}/ping")
        async with running_issuer() as issuer:
            os.environ["OIDC_ISSUER"] = issuer.url  # the service process inherits it
            processes.append(start_service("enrolment", ENROLMENT_PORT, namespace, kafka=KAFKA, mongodb=MONGODB))
            reads = await enrolment_reads(client, namespace, issuer)
        bare_read = measure(f"http://127.0.0.1:{BARE_PORT}/documents/{reads.participant_id}")
        report("bare FastAPI GET /ping", bare, bare)
        report("bare FastAPI + find_one by id", bare_read, bare)
        report("GET /certificates/{n}/verification", reads.verification, bare, bare_read)
        report("GET /participants/{id} (API key)", reads.by_key, bare, bare_read)
        report("GET /participants/{id} (Bearer token)", reads.by_token, bare, bare_read)
        ratio = reads.by_token.requests_per_second / reads.by_key.requests_per_second
        print(
            f"{'a token read over a key read':<40} {1 / ratio - 1:+.1%} time per request, token/key throughput "
            f"{ratio:.3f} (target: at most +5%)"
        )
        database = await database_reads(client, namespace, reads.participant_id)
        print(
            f"{'database find_one by id, no HTTP':<40} {database:>8,.0f} reads/s "
            f"(one client, {CONNECTIONS} at once; ratio to bare {database / bare.requests_per_second:.2f})"
        )
    finally:
        stop_all(processes)
        await client.close()
        await forget(Infrastructure(KAFKA, MONGODB), namespace)


if __name__ == "__main__":
    asyncio.run(main())
