"""The training record as a printable HTML page (Indonesian headings, as it is handed to the participant)."""

from html import escape

from services.enrolment.records.domain import TrainingRecord

STYLE = (
    "body{font-family:sans-serif;max-width:48rem;margin:2rem auto;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #999;padding:.3rem .5rem;"
    "text-align:left}th{background:#eee}@media print{body{margin:0}}"
)


def render(record: TrainingRecord) -> str:
    person = record.participant
    rows = "".join(
        f"<tr><td>{escape(line.programme)}</td><td>{escape(line.agency_id)}</td><td>{line.duration_hours}</td>"
        f"<td>{escape(line.state.value)}</td><td>{line.attendance_rate:.0%}</td>"
        f"<td>{escape(line.certificate_number or '-')}</td><td>{line.issued_on or '-'}</td></tr>"
        for line in record.programmes
    )
    owed = ", ".join(f"{currency} {amount:,.2f}" for currency, amount in record.premi_owed().items()) or "-"
    return (
        f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Riwayat pelatihan "
        f"{escape(person.full_name)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Riwayat pelatihan kemandirian</h1>"
        f"<p><b>{escape(person.full_name)}</b>, nomor registrasi {escape(person.registration_number)}, "
        f"{escape(person.facility_id)}</p>"
        "<table><tr><th>Program</th><th>OPD</th><th>Jam</th><th>Status</th><th>Kehadiran</th>"
        f"<th>Sertifikat</th><th>Terbit</th></tr>{rows}</table>"
        f"<p>Premi terutang: <b>{escape(owed)}</b></p></body></html>"
    )
