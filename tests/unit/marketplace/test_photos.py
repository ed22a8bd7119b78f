"""Uploads are decoded in worker threads, never on the event loop, and at most `concurrency` at once."""

import asyncio
import threading
from typing import Any

from services.marketplace.photos.domain import CheckedImage
from services.marketplace.photos.handlers import PhotoChecks


class HeldDecoder:
    """A decode that holds its thread until released, noting which threads decoded and how many at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.threads: set[int] = set()
        self.running = self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, data: bytes, **bounds: Any) -> CheckedImage:
        with self._lock:
            self.threads.add(threading.get_ident())
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.release.wait(timeout=30)
        with self._lock:
            self.running -= 1
        return CheckedImage("image/png", 1, 1)


async def test_decoding_runs_off_the_event_loop_and_at_most_the_bound_at_once() -> None:
    decoder = HeldDecoder()
    checks = PhotoChecks(max_bytes=10, max_pixels=10, concurrency=2, check=decoder)
    uploads = [asyncio.create_task(checks.checked(b"x")) for _ in range(6)]
    deadline = asyncio.get_running_loop().time() + 30
    while decoder.running < 2 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)  # the loop runs while two decodes hold their threads
    await asyncio.sleep(0.05)
    held = decoder.running
    decoder.release.set()
    checked = await asyncio.gather(*uploads)

    assert held == 2
    assert decoder.most_at_once == 2
    assert threading.get_ident() not in decoder.threads
    assert len(checked) == 6
