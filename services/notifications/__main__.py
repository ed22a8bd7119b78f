"""`python -m services.notifications` serves the notifications API."""

from services.notifications.main import NotificationsSettings, create_app
from shared.http.serving import serve


def main() -> None:
    settings = NotificationsSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
