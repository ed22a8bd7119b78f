"""`python -m services.enrolment` serves the enrolment API."""

from services.enrolment.main import EnrolmentSettings, create_app
from shared.http.serving import serve


def main() -> None:
    settings = EnrolmentSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
