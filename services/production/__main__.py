"""`python -m services.production` serves the production API."""

import uvicorn

from services.production.main import ProductionSettings, create_app


def main() -> None:
    settings = ProductionSettings()
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
