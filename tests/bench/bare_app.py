"""The bench's yardstick: a bare FastAPI app with one endpoint returning a small JSON."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, str]:
    return {"status": "ok"}
