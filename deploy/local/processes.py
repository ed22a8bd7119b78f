"""Process and socket helpers for deploy/local/infra.py (stdlib only)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

MAX_LOG_BYTES = 20 * 1024 * 1024


class InfraError(Exception):
    """A failure that infra.py reports as one line on stderr with exit code 1."""


def read_pid(pid_file: Path) -> int | None:
    """Return the pid stored in pid_file, or None if missing/garbled."""
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def cmdline(pid: int) -> str:
    """Return the command line of pid joined by spaces ('' if gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def is_alive(pid: int) -> bool:
    """Tell whether pid exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def owned_pid(pid_file: Path, marker: str) -> int | None:
    """Return the live pid from pid_file whose command line contains marker; drop a stale pid file."""
    pid = read_pid(pid_file)
    if pid is not None and is_alive(pid) and marker in cmdline(pid):
        return pid
    pid_file.unlink(missing_ok=True)
    return None


def rotate_log(log_file: Path) -> None:
    """Move log_file to log_file.1 when it has grown past MAX_LOG_BYTES."""
    if log_file.exists() and log_file.stat().st_size > MAX_LOG_BYTES:
        log_file.replace(log_file.with_name(log_file.name + ".1"))


def spawn(argv: list[str], log_file: Path, pid_file: Path, cwd: Path, env: dict[str, str] | None = None) -> int:
    """Start argv detached in its own session, appending stdout/stderr to log_file; write pid_file."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    rotate_log(log_file)
    with open(log_file, "ab") as log:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log.write(f"\n==== {stamp} infra.py starting: {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    pid_file.write_text(f"{proc.pid}\n")
    return proc.pid


def stop(pid: int, timeout: float = 30.0) -> bool:
    """SIGTERM pid's process group, wait up to timeout, then SIGKILL; True if it exited on SIGTERM."""
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive(pid):
            return True
        time.sleep(0.1)
    _signal_group(pid, signal.SIGKILL)
    while is_alive(pid):
        time.sleep(0.1)
    return False


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Send sig to pid's process group (pid is a session leader we started), falling back to pid."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    """Tell whether a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def recv_exact(sock: socket.socket, n: int) -> bytes:
    """Read exactly n bytes from sock or raise ConnectionError."""
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by peer")
        buf += chunk
    return bytes(buf)


def listener_pid(port: int) -> int | None:
    """Return the pid of the process listening on TCP port (via /proc), or None if unknown."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


def describe_listener(port: int) -> str:
    """Describe who listens on port, e.g. 'pid 42: python3 -m http.server 9092'."""
    pid = listener_pid(port)
    if pid is None:
        return "unknown process"
    line = " ".join(cmdline(pid).split())  # one line, whatever the command's arguments hold
    return f"pid {pid}: {line if len(line) <= 120 else line[:45] + ' ... ' + line[-70:]}"


def last_line(log_file: Path, needles: tuple[str, ...] = ("ERROR", "Exception", "Error:")) -> str:
    """Return the last line of log_file containing one of needles, else its last non-empty line."""
    try:
        lines = [ln.strip() for ln in log_file.read_text(errors="replace").splitlines()[-400:] if ln.strip()]
    except OSError:
        return "(no log)"
    for line in reversed(lines):
        if any(n in line for n in needles):
            return line[:300]
    return lines[-1][:300] if lines else "(empty log)"


def wait_until(
    probe: Callable[[], str | None], timeout: float, pid: int | None, log_file: Path | None, name: str
) -> str:
    """Poll probe() (returns info when ready, None otherwise) until timeout; fail fast if pid dies."""
    deadline = time.monotonic() + timeout
    while True:
        info = probe()
        if info is not None:
            return info
        if pid is not None and not is_alive(pid):
            reason = last_line(log_file) if log_file else "no log"
            raise InfraError(f"{name} process {pid} died during startup: {reason} (log: {log_file})")
        if time.monotonic() >= deadline:
            tail = f": last log line: {last_line(log_file, ())} (log: {log_file})" if log_file else ""
            raise InfraError(f"{name} not ready after {timeout:.0f} s{tail}")
        time.sleep(0.25)
