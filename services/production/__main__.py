"""`python -m services.production` serves the production API."""

from services.production.main import ProductionSettings, create_app
from shared.http.serving import serve


def main() -> None:
    settings = ProductionSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
