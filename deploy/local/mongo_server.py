"""SecantusDB (MongoDB wire protocol) server and a hand-written OP_MSG probe (stdlib only)."""

from __future__ import annotations

import re
import socket
import struct
from dataclasses import replace
from pathlib import Path

import secantus_rust
from processes import InfraError, recv_exact
from settings import Settings

NAME = "mongo"
OP_MSG = 2013
# Fixed payload sizes of the BSON element types a hello/buildInfo reply may hold at top level.
_FIXED = {0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16, 0x7F: 0, 0xFF: 0}
_VAR_INT32 = {0x02, 0x03, 0x04, 0x0D, 0x0E, 0x0F}  # string-like (int32 length + bytes) or embedded document


def bson_command(name: str) -> bytes:
    """Encode {name: 1, "$db": "admin"} as a BSON document."""
    body = b"\x10" + name.encode() + b"\0" + struct.pack("<i", 1)
    body += b"\x02$db\0" + struct.pack("<i", 6) + b"admin\0"
    return struct.pack("<i", len(body) + 5) + body + b"\0"


def bson_scalars(doc: bytes) -> dict[str, object]:
    """Decode the top-level scalar fields (double, string, bool, int32/64) of a BSON document."""
    out: dict[str, object] = {}
    pos, end = 4, len(doc) - 1
    while pos < end:
        kind = doc[pos]
        key_end = doc.index(b"\0", pos + 1)
        key, pos = doc[pos + 1 : key_end].decode(errors="replace"), key_end + 1
        if kind == 0x05:
            size = struct.unpack_from("<i", doc, pos)[0] + 5
        elif kind in _VAR_INT32:
            size = struct.unpack_from("<i", doc, pos)[0] + (4 if kind in (0x02, 0x0D, 0x0E) else 0)
        elif kind == 0x0B:
            size = doc.index(b"\0", doc.index(b"\0", pos) + 1) + 1 - pos
        elif kind in _FIXED:
            size = _FIXED[kind]
        else:
            break
        raw = doc[pos : pos + size]
        if kind == 0x01:
            out[key] = struct.unpack("<d", raw)[0]
        elif kind == 0x02:
            out[key] = raw[4:-1].decode(errors="replace")
        elif kind == 0x08:
            out[key] = raw == b"\x01"
        elif kind in (0x10, 0x12):
            out[key] = int.from_bytes(raw, "little", signed=True)
        pos += size
    return out


def run_command(sock: socket.socket, name: str, request_id: int) -> dict[str, object]:
    """Send one OP_MSG admin command and return the reply's top-level scalar fields."""
    payload = struct.pack("<I", 0) + b"\0" + bson_command(name)
    sock.sendall(struct.pack("<iiii", 16 + len(payload), request_id, 0, OP_MSG) + payload)
    length, _, response_to, opcode = struct.unpack("<iiii", recv_exact(sock, 16))
    if opcode != OP_MSG or response_to != request_id or not 21 <= length <= 48_000_000:
        raise ConnectionError("not an OP_MSG reply")
    reply = recv_exact(sock, length - 16)
    return bson_scalars(reply[5:]) if reply[4] == 0 else {}


def hello(host: str, port: int, timeout: float = 2.0) -> str | None:
    """Return e.g. 'SecantusDB 0.7.0b3, replica set secantus' if host:port answers hello with ok: 1."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            reply = run_command(sock, "hello", 1)
            if reply.get("ok") != 1.0:
                return None
            build = run_command(sock, "buildInfo", 2)
    except (OSError, ValueError, struct.error):
        return None
    product = (
        f"SecantusDB {build['secantusVersion']}"
        if "secantusVersion" in build
        else f"MongoDB {build.get('version', '?')}"
    )
    return product + (f", replica set {reply['setName']}" if "setName" in reply else "")


def parse_url(url: str) -> tuple[str, int]:
    """Return (host, port) of the first host of a mongodb:// URL."""
    found = re.match(r"mongodb://(?:[^@/]*@)?([^/?,]+)", url)
    if not found:
        raise InfraError(f"MONGODB_URL={url!r}: expected mongodb://host[:port]/... (+srv is not probed)")
    host, port = re.fullmatch(r"\[?([^\]]+?)\]?(?::(\d+))?", found.group(1)).groups()
    return host, int(port or 27017)


def external(s: Settings) -> tuple[str, int] | None:
    """Return the external server address if MONGODB_URL is set."""
    return parse_url(s.mongodb_url) if s.mongodb_url else None


def address(s: Settings) -> tuple[str, int]:
    """Return the address of the local server."""
    return "127.0.0.1", s.mongodb_port


def extra_ports(s: Settings) -> list[int]:
    """Return no ports: the server binds only its client port."""
    return []


def storage_dir(s: Settings) -> Path:
    """Return the storage directory; each server kind keeps its own, both under $DATA_DIR/mongo*."""
    return s.data_dir / ("mongo" if s.mongodb_server == "python" else "mongo-rs")


def marker(s: Settings) -> str:
    """Return a string that only our own server's command line contains, whichever kind it is."""
    return str(s.data_dir / "mongo")


def executable(s: Settings) -> Path:
    """The Rust server when asked for (the default) and buildable, else the Python one."""
    if s.mongodb_server == "rust":
        built = secantus_rust.ensure_built(s)
        if built is not None:
            return built
    if not s.secantusd.exists():
        raise InfraError(f"mongo: {s.secantusd} not found; install SecantusDB into .venv or set SECANTUSD")
    return s.secantusd


def prepare(s: Settings) -> list[str]:
    """Return the server's command line; both servers take the same flags."""
    server = executable(s)
    settings = replace(s, mongodb_server="rust" if server.name == "secantusd-rs" else "python")
    storage_dir(settings).mkdir(parents=True, exist_ok=True)
    return [
        str(server),
        "--host",
        "127.0.0.1",
        "--port",
        str(s.mongodb_port),
        "--storage-path",
        str(storage_dir(settings)),
    ]
