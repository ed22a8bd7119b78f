"""A query string read into one model: the same answers and problems as FastAPI's own parameters, documented."""

from typing import Annotated

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field

from shared.http.parameters import query_model, query_parameters
from shared.http.problems import install_problem_handlers


class Wanted(BaseModel):
    q: str | None = Field(None, max_length=5, description="Words")
    limit: int = Field(10, ge=1, le=50)


def app() -> FastAPI:
    made = FastAPI()
    install_problem_handlers(made)

    @made.get("/things", openapi_extra=query_parameters(Wanted))
    async def things(wanted: Annotated[Wanted, query_model(Wanted)]) -> dict[str, object]:
        return wanted.model_dump()

    return made


async def test_a_query_is_read_in_one_validation_and_a_bad_one_names_its_field() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://test") as http:
        assert (await http.get("/things", params={"q": "lele", "other": "x"})).json() == {"q": "lele", "limit": 10}
        refused = await http.get("/things", params={"limit": "0"})
        assert (refused.status_code, refused.json()["field"]) == (422, "query.limit")
        assert refused.headers["content-type"] == "application/problem+json"


def test_the_fields_are_documented_as_query_parameters() -> None:
    parameters = app().openapi()["paths"]["/things"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in parameters] == [
        ("q", "query", False),
        ("limit", "query", False),
    ]
    assert parameters[0]["description"] == "Words"
    assert parameters[1]["schema"]["maximum"] == 50
