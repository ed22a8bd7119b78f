"""`python -m services.marketplace` serves the marketplace API."""

import uvicorn

from services.marketplace.main import MarketplaceSettings, create_app


def main() -> None:
    settings = MarketplaceSettings()
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
