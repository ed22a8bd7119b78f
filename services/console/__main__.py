"""`python -m services.console` serves the console (CONSOLE_OIDC_CLIENT_SECRET set; the demo realm's is
`demo-console-secret`)."""

from services.console.main import ConsoleSettings, create_app
from shared.http.serving import serve


def main() -> None:
    settings = ConsoleSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
