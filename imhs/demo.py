"""The synthetic demo sign-ins: one person for every role and profession the demo shows.

All names and addresses are invented (example.org is reserved for examples, RFC 2606).
"""

from imhs.models import Profession, Role

DEMO_USERS = [
    # email, given, family, role, profession, job title, base
    ("health.visitor@example.org", "Hazel", "Birchwood", Role.REFERRER,
     Profession.HEALTH_VISITOR, "Health Visitor", "Demo Health Visiting Team, Coatbridge"),
    ("family.nurse@example.org", "Fergus", "Lintwhite", Role.REFERRER,
     Profession.FAMILY_NURSE, "Family Nurse", "Demo Family Nurse Partnership"),
    ("nursery@example.org", "Nina", "Applecross", Role.REFERRER,
     Profession.NURSERY, "Early Years Practitioner", "Demo Little Acorns Nursery"),
    ("mnpi@example.org", "Morven", "Castlehill", Role.REFERRER,
     Profession.MNPI, "Clinical Psychologist", "Demo MNPI Team"),
    ("pmht@example.org", "Priya", "Glenmoor", Role.REFERRER,
     Profession.PMHT, "Community Psychiatric Nurse", "Demo Perinatal Mental Health Team"),
    ("psychotherapist@example.org", "Callum", "Rowanbank", Role.TEAM_MEMBER,
     Profession.CHILD_PSYCHOTHERAPIST, "Child Psychotherapist", "Infant Mental Health Team"),
    ("psychologist@example.org", "Isla", "Thornfield", Role.TEAM_MEMBER,
     Profession.CLINICAL_PSYCHOLOGIST, "Clinical Psychologist", "Infant Mental Health Team"),
    ("psychiatrist@example.org", "Ravi", "Ashgrove", Role.TEAM_MEMBER,
     Profession.CHILD_PSYCHIATRIST, "Consultant Child Psychiatrist", "Infant Mental Health Team"),
    ("social.worker@example.org", "Shona", "Millbrae", Role.TEAM_MEMBER,
     Profession.SOCIAL_WORKER, "Social Worker", "Infant Mental Health Team"),
    ("early.years@example.org", "Ewan", "Larchmont", Role.TEAM_MEMBER,
     Profession.EARLY_YEARS_PRACTITIONER, "Early Years Practitioner", "Infant Mental Health Team"),
    ("service.lead@example.org", "Lorna", "Hazeldean", Role.SERVICE_LEAD,
     Profession.CLINICAL_PSYCHOLOGIST, "Service Lead", "Infant Mental Health Team"),
]  # fmt: skip
