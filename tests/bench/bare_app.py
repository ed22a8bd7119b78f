"""The bench's yardsticks: a bare FastAPI app with one endpoint returning a small JSON, and one reading a
document by id with PyMongo's async client, the least any one-document read of the platform does."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.encoders import jsonable_encoder
from pymongo import AsyncMongoClient

COLLECTION = os.environ.get("BENCH_COLLECTION", "bench.documents")
"""`<database>.<collection>` the document read finds in."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(os.environ.get("MONGODB_URL", "mongodb://127.0.0.1"))
    database, collection = COLLECTION.split(".", 1)
    app.state.documents = client[database][collection]
    yield
    await client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/ping")
async def ping() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/documents/{document_id}")
async def document(document_id: str) -> Any:
    found = await app.state.documents.find_one({"_id": document_id})
    if found is None:
        raise HTTPException(404)
    return jsonable_encoder(found)
