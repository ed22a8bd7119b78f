"""A reader paging through a listing sees every committed record exactly once, whatever order records commit in."""

import asyncio

from services.production.sites import store
from services.production.sites.domain import Site, SiteKind, register_site
from shared.storage.database import Transaction
from tests.support.services import RunningService


def workshop(name: str) -> Site:
    site, _ = register_site(facility_id="rutan-serang", name=name, kind=SiteKind.WORKSHOP)
    return site


async def test_a_record_made_first_but_committed_last_is_still_read_by_a_reader_already_past_it(
    production: RunningService,
) -> None:
    database = production.runtime.database
    reader = await production.mint_key("production:read")

    async def save(site: Site) -> None:
        async def work(tx: Transaction) -> None:
            await store.save_site(tx, site)

        await database.transaction(work)

    await save(workshop("first"))
    slow_saved, release_slow = asyncio.Event(), asyncio.Event()
    made_first = workshop("made first, committed last")
    await asyncio.sleep(0.01)  # made in a later millisecond, so each would sort after it by time
    made_later = [workshop("made later"), workshop("made last")]

    async def slow(tx: Transaction) -> None:
        await store.save_site(tx, made_first)
        slow_saved.set()
        await release_slow.wait()  # holds its transaction open while later records are saved

    slow_commit = asyncio.create_task(database.transaction(slow))
    await slow_saved.wait()
    quick_commits = asyncio.ensure_future(asyncio.gather(*(save(site) for site in made_later)))
    await asyncio.wait([quick_commits], timeout=2)  # the later ones commit now, if they can

    seen: list[str] = []
    page = await read(production, reader, after=None, limit=2)
    seen += [site["name"] for site in page["items"]]
    last = page["items"][-1]["id"]
    release_slow.set()
    await asyncio.gather(slow_commit, quick_commits)
    while page["items"]:  # follow on from the last record seen, as a client polling the listing does
        page = await read(production, reader, after=last, limit=2)
        seen += [site["name"] for site in page["items"]]
        last = page["items"][-1]["id"] if page["items"] else last
    assert sorted(seen) == sorted(["first", made_first.name, *(site.name for site in made_later)])


async def read(production: RunningService, headers: dict[str, str], *, after: str | None, limit: int) -> dict:  # type: ignore[type-arg]
    params = {"limit": limit} | ({"after": after} if after else {})
    response = await production.http.get("/sites", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
