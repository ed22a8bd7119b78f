"""Rendered catalogue answers: served again only while the catalogue's position stands, read at most every
`fresh_for` seconds, at once after a change of this process, and once for a crowd of requests."""

import asyncio
from typing import Any

from services.marketplace.catalogue import store
from services.marketplace.catalogue.domain import Rendered
from services.marketplace.catalogue.handlers import RenderedPages


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Counter:
    """The catalogue's position as the database would answer it, counting the reads."""

    def __init__(self) -> None:
        self.position, self.reads = 1, 0

    async def read(self, database: Any) -> int:
        self.reads += 1
        await asyncio.sleep(0)
        return self.position


async def test_answers_follow_the_position_within_the_freshness_and_at_once_after_a_local_change(
    monkeypatch: Any,
) -> None:
    clock, counter = Clock(), Counter()
    monkeypatch.setattr(store, "latest_position", counter.read)
    pages = RenderedPages(fresh_for=0.25, clock=clock)
    renders: list[int] = []

    async def render(position: int) -> Rendered:
        renders.append(position)
        await asyncio.sleep(0)  # the query's round trip
        return Rendered(f"page@{position}".encode(), f'"{position}"', "application/json", position)

    async def ask() -> bytes:
        return (await pages.answer(None, "search?q=lele", render)).content  # type: ignore[arg-type]

    assert await asyncio.gather(*(ask() for _ in range(20))) == [b"page@1"] * 20
    assert counter.reads == 1  # the crowd waited for one read of the counter
    assert set(renders) == {1}
    counter.position = 2  # another replica changed the catalogue
    assert await ask() == b"page@1"  # within fresh_for, the answer stands
    clock.now += 0.25
    assert await ask() == b"page@2"
    counter.position = 3
    pages.changed()  # this process committed a change
    assert await ask() == b"page@3"
    assert renders[-2:] == [2, 3]


async def test_kept_answers_are_bounded_in_bytes_the_least_recently_used_forgotten_first(monkeypatch: Any) -> None:
    counter = Counter()
    monkeypatch.setattr(store, "latest_position", counter.read)
    pages = RenderedPages(fresh_for=60, kept_bytes_at_most=10_000, clock=Clock())
    renders: list[str] = []

    def rendering(key: str, size: int) -> Any:
        async def render(position: int) -> Rendered:
            renders.append(key)
            return Rendered(b"x" * size, '"e"', "application/json", position)

        return render

    for key in ("a", "b", "c"):
        await pages.answer(None, key, rendering(key, 3_000))  # type: ignore[arg-type]
    await pages.answer(None, "a", rendering("a", 3_000))  # type: ignore[arg-type]  # a is used again: kept
    await pages.answer(None, "d", rendering("d", 3_000))  # type: ignore[arg-type]  # b, the least used, goes
    assert pages.kept_bytes <= 10_000
    renders.clear()
    for key in ("a", "c", "d", "b"):
        await pages.answer(None, key, rendering(key, 3_000))  # type: ignore[arg-type]
    assert renders == ["b"]

    await pages.answer(None, "huge", rendering("huge", 20_000))  # type: ignore[arg-type]
    assert pages.kept_bytes <= 10_000  # larger than the bound: served, never kept
    renders.clear()
    await pages.answer(None, "huge", rendering("huge", 20_000))  # type: ignore[arg-type]
    assert renders == ["huge"]
