"""The team's pages: the dashboard, and each referral's page, actions, letters and parents'
links. The reference in the path is not personal data; letters carry the baby's details only
in their body. Every page under a referral but its own is POST only, except the letters."""

from django.urls import include, path

from referrals.team.views import (
    appointments,
    caseloads,
    dashboard,
    invitations,
    records,
    referral,
    reports,
    subject_access,
    waiting_list,
)

invitation_urls = [
    path("", invitations.invite, name="team_invite"),
    path("<int:invitation_id>/resend/", invitations.resend, name="team_invite_resend"),
    path("<int:invitation_id>/revoke/", invitations.revoke, name="team_invite_revoke"),
]

appointment_urls = [
    path("", appointments.show, name="team_appointment"),
    path("attendance/", appointments.record_attendance, name="team_appointment_attendance"),
    path("cancel/", appointments.cancel, name="team_appointment_cancel"),
    path("rebook/", appointments.rebook, name="team_appointment_rebook"),
    path("email/", appointments.email, name="team_appointment_email"),
    path("letter/", appointments.letter, name="team_appointment_letter"),
]

unavailability_urls = [
    path("", referral.add_unavailability, name="team_unavailability"),
    path(
        "<int:period_id>/remove/",
        referral.remove_unavailability,
        name="team_remove_unavailability",
    ),
]

referral_urls = [
    path("", referral.team_referral, name="team_referral"),
    path("invitations/", include(invitation_urls)),
    path("reassess/", referral.reassess, name="team_reassess"),
    path("notes/", referral.add_note, name="team_note"),
    path("letter/<slug:recipient>/", referral.letter, name="team_letter"),
    path("legal-hold/", records.legal_hold, name="team_legal_hold"),
    path("legal-hold/lift/", records.lift_legal_hold, name="team_lift_legal_hold"),
    path("appointments/book/", appointments.book, name="team_book_appointment"),
    path("appointments/<int:appointment_id>/", include(appointment_urls)),
    path("unavailability/", include(unavailability_urls)),
    # The workflow's actions (referrals.team.forms.triage), at their slug (last).
    path("<slug:action>/", referral.team_action, name="team_action"),
]

# The reports area: the month's figures and trends for the team; the files are POST only (a
# GET goes to the report); the codes and the patient-level extract are for service leads.
report_urls = [
    path("", reports.month_report, name="team_reports"),
    path("trends/", reports.trends, name="team_report_trends"),
    path("download/csv/", reports.download_csv, name="team_report_csv"),
    path("download/workbook/", reports.download_xlsx, name="team_report_xlsx"),
    path("download/national/", reports.download_national, name="team_report_national"),
    path("download/extract/", reports.download_extract, name="team_report_extract"),
    path("national-codes/", reports.codes, name="team_national_codes"),
]

caseload_urls = [
    path("", caseloads.member_caseload, name="team_caseload"),
    path("reassign/", caseloads.reassign, name="team_reassign"),
]

# Service leads only. The search is posted; the path holds a reference or a request's number.
subject_access_request_urls = [
    path("", subject_access.show, name="team_subject_access_request"),
    path("produce/", subject_access.produce, name="team_subject_access_produce"),
    path("withhold/", subject_access.redact, name="team_subject_access_redact"),
    path("release/", subject_access.release, name="team_subject_access_release"),
    path("print/", subject_access.print_bundle, name="team_subject_access_print"),
    path("download/", subject_access.download, name="team_subject_access_download"),
]

subject_access_urls = [
    path("", subject_access.index, name="team_subject_access"),
    path("new/<str:reference>/", subject_access.new, name="team_subject_access_new"),
    path("<int:request_id>/", include(subject_access_request_urls)),
]

review_urls = [
    path("", records.review, name="team_retention_review"),
    path("destroy/", records.destroy, name="team_retention_destroy"),
    path("keep/", records.keep, name="team_retention_keep"),
]

records_urls = [
    path("retention/", records.rules, name="team_retention_rules"),
    path("retention/<slug:kind>/", records.rule, name="team_retention_rule"),
    path("reviews/", records.reviews, name="team_retention_reviews"),
    path("reviews/<int:review_id>/", include(review_urls)),
    path("register/", records.register, name="team_destruction_register"),
]

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("waiting-list/", waiting_list.waiting_list, name="team_waiting_list"),
    path("caseload/", caseloads.my_caseload, name="team_my_caseload"),
    path("caseloads/", caseloads.overview, name="team_caseloads"),
    path("caseloads/<int:user_id>/", include(caseload_urls)),
    path("reports/", include(report_urls)),
    path("records/", include(records_urls)),
    path("referrals/<str:reference>/", include(referral_urls)),
    path("subject-access/", include(subject_access_urls)),
]
