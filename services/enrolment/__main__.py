"""`python -m services.enrolment` serves the enrolment API."""

import uvicorn

from services.enrolment.main import EnrolmentSettings, create_app


def main() -> None:
    settings = EnrolmentSettings()
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
