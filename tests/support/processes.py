"""Services as processes of their own, as they are deployed: started, killed outright, started again."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def start_service(
    name: str, port: int, namespace: str, *, kafka: str, mongodb: str, log: Path | None = None, **settings: str
) -> subprocess.Popen[bytes]:
    """`python -m services.<name>` on `port`, its topics and database kept to `namespace`; its log lines (INFO and
    up) go to `log` when given, else nowhere (WARNING and up)."""
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "MONGODB_URL": mongodb,
        "KAFKA_TOPIC_PREFIX": namespace,
        f"{name.upper()}_MONGODB_DATABASE": f"{namespace}{name}",
        f"{name.upper()}_HTTP_PORT": str(port),
        "LOG_LEVEL": "INFO" if log else "WARNING",
        **{f"{name.upper()}_{setting.upper()}": value for setting, value in settings.items()},
    }
    command = [sys.executable, "-m", f"services.{name}"]
    if log is None:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with log.open("ab") as output:  # the child keeps a descriptor of its own
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)


async def wait_ready(base_url: str, *, timeout: float = 60.0) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        for _ in range(int(timeout * 10)):
            try:
                if (await http.get("/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{base_url} never became ready")


def stop_all(processes: list[subprocess.Popen[bytes]], *, timeout: float = 30.0) -> None:
    """Ask every process to stop (SIGTERM), all at once, then wait for each."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=timeout)
