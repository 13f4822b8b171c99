from patients.models import CareRelationship, Relationship
from referrals import labels, waiting_times
from referrals.labels import relationship_label


def test_a_relationship_is_one_label_capitalised_alone_and_lower_case_in_a_sentence():
    mother = CareRelationship(relationship=Relationship.MOTHER)
    assert relationship_label(mother) == "Mother"
    assert relationship_label(mother, in_sentence=True) == "mother"


def test_other_is_what_the_referrer_wrote_as_written():
    other = CareRelationship(relationship=Relationship.OTHER, relationship_other="Great-Aunt")
    assert relationship_label(other) == "Great-Aunt"
    assert relationship_label(other, in_sentence=True) == "Great-Aunt"


def test_every_wait_band_has_words():
    assert set(labels.WAIT_BAND_LABELS) == {band for band, _most in waiting_times.BANDS}
