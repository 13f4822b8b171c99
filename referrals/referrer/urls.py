"""The referrer's pages: their referrals, and each referral's sections, checks and answers."""

from django.urls import include, path

from referrals.referrer.views import carers, paper, practice, referral

carer_urls = [
    path("", carers.carers, name="carers"),
    path("add/", carers.carer, name="carer_add"),
    path("<int:relationship_id>/", carers.carer, name="carer_change"),
    path("<int:relationship_id>/remove/", carers.remove, name="carer_remove"),
]

referral_urls = [
    path("", referral.detail, name="detail"),
    path("check/", referral.check, name="check"),
    path("sent/", referral.submitted, name="submitted"),
    path("delete/", referral.delete, name="delete"),
    path("answer/", referral.answer_question, name="answer_question"),
    path("discard/<str:key>/", referral.discard, name="discard"),
    # Sections with pages of their own; every other section is one form, at its slug (last).
    path("carers/", include(carer_urls)),
    path("baby/practice/", practice.find_practice, name="find_practice"),
    path("<slug:slug>/", referral.section, name="section"),
]

urlpatterns = [
    path("", referral.my_referrals, name="mine"),
    path("new/", referral.new, name="new"),
    path("paper-form/", paper.paper_form, name="paper_form"),
    path("empty-drafts/delete/", referral.delete_empty_drafts, name="delete_empty_drafts"),
    path("<int:pk>/", include(referral_urls)),
]
