"""`python -m services.marketplace` serves the marketplace API."""

from services.marketplace.main import MarketplaceSettings, create_app
from shared.http.serving import serve


def main() -> None:
    settings = MarketplaceSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
