"""The month's national aggregate row, with Public Health Scotland's open-data column names for
CAMHS waiting times, read from the month's own tables (figures.MonthReport) so the row and the
page cannot disagree. Waits are adjusted weeks, as the national measure reports them."""

from patients.catchment import CATCHMENT
from referrals.reports.figures import BAND_WORDS

COLUMNS = (
    "HB",
    "Month",
    "ReferralsReceived",
    "ReferralsAccepted",
    "TotalPatientsSeen",
    "NumberOfPatientsSeen0To18Weeks",
    "NumberOfPatientsSeen19To35Weeks",
    "NumberOfPatientsSeen36To52Weeks",
    "NumberOfPatientsSeenOver52Weeks",
    "MedianWeeksPatientsSeen",
    "90thPercentileWeeksPatientsSeen",
    "TotalPatientsWaiting",
    "NumberOfPatientsWaiting0To18Weeks",
    "NumberOfPatientsWaiting19To35Weeks",
    "NumberOfPatientsWaiting36To52Weeks",
    "NumberOfPatientsWaitingOver52Weeks",
    "OpenCases",
    "DidNotAttends",
    "TotalAppointments",
)
BAND_COLUMNS = {"0-18": "0To18Weeks", "19-35": "19To35Weeks", "36-52": "36To52Weeks"}
BAND_COLUMNS["over-52"] = "Over52Weeks"


def national_row(report):
    """{column: value} for `report`'s month; an empty median or percentile stays empty."""
    seen = report.table("patients-seen")
    row = {
        "HB": CATCHMENT.board_code,
        "Month": report.month.yyyymm,
        "ReferralsReceived": report.value("received", "Received"),
        "ReferralsAccepted": report.value("received", "Accepted"),
        "TotalPatientsSeen": report.value(seen.key, "Patients seen"),
        "MedianWeeksPatientsSeen": report.value(seen.key, "Median weeks"),
        "90thPercentileWeeksPatientsSeen": report.value(seen.key, "90th percentile weeks"),
        "TotalPatientsWaiting": report.value("patients-waiting", "All waiting"),
        "OpenCases": report.value("cases", "Open cases at the start of the month"),
        "DidNotAttends": report.value("appointments", "Did not attend"),
        "TotalAppointments": report.value("appointments", "Appointments"),
    }
    for band, suffix in BAND_COLUMNS.items():
        row[f"NumberOfPatientsSeen{suffix}"] = report.value(seen.key, BAND_WORDS[band])
        row[f"NumberOfPatientsWaiting{suffix}"] = report.value("patients-waiting", BAND_WORDS[band])
    return {column: ("" if row[column] is None else row[column]) for column in COLUMNS}
