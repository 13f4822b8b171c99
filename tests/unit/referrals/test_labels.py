from patients.models import CareRelationship, Relationship
from referrals.labels import relationship_label


def test_a_relationship_is_one_label_capitalised_alone_and_lower_case_in_a_sentence():
    mother = CareRelationship(relationship=Relationship.MOTHER)
    assert relationship_label(mother) == "Mother"
    assert relationship_label(mother, in_sentence=True) == "mother"


def test_other_is_what_the_referrer_wrote_as_written():
    other = CareRelationship(relationship=Relationship.OTHER, relationship_other="Great-Aunt")
    assert relationship_label(other) == "Great-Aunt"
    assert relationship_label(other, in_sentence=True) == "Great-Aunt"
