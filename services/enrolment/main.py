"""The enrolment service: settings and the app, wired by hand."""

from fastapi import FastAPI
from pydantic_settings import SettingsConfigDict

from services.enrolment import events, reactions
from services.enrolment.certificates import api as certificates_api
from services.enrolment.certificates import store as certificates_store
from services.enrolment.cohorts import api as cohorts_api
from services.enrolment.cohorts import store as cohorts_store
from services.enrolment.enrolments import api as enrolments_api
from services.enrolment.enrolments import store as enrolments_store
from services.enrolment.figures import api as figures_api
from services.enrolment.metrics import measure_figures
from services.enrolment.participants import api as participants_api
from services.enrolment.participants import store as participants_store
from services.enrolment.programmes import api as programmes_api
from services.enrolment.programmes import store as programmes_store
from services.enrolment.records import api as records_api
from services.enrolment.references import api as references_api
from services.enrolment.references import store as references_store
from services.enrolment.training import api as training_api
from services.enrolment.training import store as training_store
from shared.http.app import create_service_app
from shared.metrics import refreshed_every
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.storage import pages
from shared.storage.database import ServiceDatabase
from shared.storage.indexes import merge_indexes
from shared.storage.migrations import Migration


class EnrolmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENROLMENT_")

    service_name: str = "enrolment"
    http_port: int = 8001
    attendance_edit_days: int = 7


INDEXES = merge_indexes(
    participants_store.INDEXES,
    programmes_store.INDEXES,
    cohorts_store.INDEXES,
    enrolments_store.INDEXES,
    training_store.INDEXES,
    certificates_store.INDEXES,
)


LISTED = (participants_store.LISTED, programmes_store.LISTED, cohorts_store.LISTED, enrolments_store.LISTED)


async def place_listed(database: ServiceDatabase) -> None:
    await pages.place_unpositioned(database, *LISTED)


MIGRATIONS = [
    Migration("founding parties", references_store.seed_founding_parties),
    Migration("enrolments' facilities", enrolments_store.fill_enrolment_facilities),
    Migration("listed records placed", place_listed),
]


def create_app(settings: EnrolmentSettings | None = None) -> FastAPI:
    settings = settings or EnrolmentSettings()
    runtime = ServiceRuntime(
        settings,
        publishes=events.PUBLISHES,
        consumes=events.CONSUMES,
        reactions=reactions.REACTIONS,
        migrations=MIGRATIONS,
        indexes=INDEXES,
        background=[refreshed_every(settings.figures_refresh_seconds, measure_figures)],
    )
    return create_service_app(
        runtime=runtime,
        routers=[
            participants_api.router,
            records_api.router,
            references_api.router,
            programmes_api.router,
            figures_api.router,
            cohorts_api.router,
            enrolments_api.router,
            training_api.router,
            certificates_api.router,
        ],
        title="Enrolment service",
        description="System of record for participants (WBP), programmes, cohorts and enrolments. "
        "The only service that holds participants' personal data.",
    )
