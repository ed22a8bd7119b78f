"""`python -m services.notifications` serves the notifications API."""

import uvicorn

from services.notifications.main import NotificationsSettings, create_app


def main() -> None:
    settings = NotificationsSettings()
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
