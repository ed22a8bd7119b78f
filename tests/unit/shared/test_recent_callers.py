"""A burst of requests with one API key looks the key up once; a revoked key stops working within seconds."""

from shared.http.api_keys import CALLER_KEPT_SECONDS, Caller, RecentCallers

TOKEN = "pk.0123456789abcdef.secret"


class Keys:
    """A fake of the api_keys collection's lookup: one valid key until revoked, and a count of lookups."""

    def __init__(self) -> None:
        self.lookups = 0
        self.revoked = False

    async def authenticate(self, token: str) -> Caller | None:
        self.lookups += 1
        valid = token == TOKEN and not self.revoked
        return (
            Caller(key_id="0123456789abcdef", name="reader", scopes=frozenset({"participants:read"})) if valid else None
        )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_hundred_requests_with_one_key_look_it_up_once() -> None:
    keys, callers = Keys(), RecentCallers(clock=Clock())
    for _ in range(100):
        caller = await callers.caller(TOKEN, keys.authenticate)
        assert caller is not None
        assert caller.name == "reader"
    assert keys.lookups == 1


async def test_a_revoked_key_is_refused_once_its_kept_entry_expires() -> None:
    keys, clock = Keys(), Clock()
    callers = RecentCallers(clock=clock)
    assert await callers.caller(TOKEN, keys.authenticate) is not None
    keys.revoked = True
    clock.now += CALLER_KEPT_SECONDS
    assert await callers.caller(TOKEN, keys.authenticate) is None
    assert CALLER_KEPT_SECONDS <= 5


async def test_an_unknown_key_is_never_kept_and_is_looked_up_each_time() -> None:
    keys, callers = Keys(), RecentCallers(clock=Clock())
    for _ in range(3):
        assert await callers.caller("pk.unknown.key", keys.authenticate) is None
    assert keys.lookups == 3
