"""The service's area, written once: NHS Lanarkshire, its two councils and its postcode districts.

Everything that names the area, compares a health board or council code with it, or judges a
postcode by its district reads `CATCHMENT`. The team's own name and contact details are not the
area's: they live in `settings.SERVICE`.
"""

from dataclasses import dataclass

from patients import postcodes

# What a postcode's district alone says (used only when the full-postcode table has no record).
INSIDE = "inside"
STRADDLING = "straddling"
OUTSIDE = "outside"


@dataclass(frozen=True)
class Council:
    code: str  # GSS code
    name: str
    slug: str  # the dashboard's area filter says this in its query string


@dataclass(frozen=True)
class Catchment:
    """A health board, the councils within it, and its postcode districts.

    The districts are public boundary facts, kept as data rather than logic so the service can
    correct them when a boundary or a district changes.
    """

    name: str  # how pages name the area: "lives outside Lanarkshire"
    board_code: str  # GSS code of the health board
    councils: tuple[Council, ...]
    districts_inside: frozenset[str]
    districts_straddling: frozenset[str]

    @property
    def board_name(self):
        return f"NHS {self.name}"

    @property
    def council_codes(self):
        return [council.code for council in self.councils]

    @property
    def councils_in_words(self):
        """ "North Lanarkshire or South Lanarkshire" """
        names = [council.name for council in self.councils]
        return " or ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} or {names[-1]}"

    def district_status(self, postcode: str) -> str:
        """INSIDE, STRADDLING or OUTSIDE the area, judged by the postcode's district alone.

        The whole outward code is compared, so ML1 is inside while ML13 (not listed) is outside.
        Raises ValueError as postcodes.normalise: a value that isn't a postcode is not "outside".
        """
        district = postcodes.outward_code(postcode)
        if district in self.districts_inside:
            return INSIDE
        if district in self.districts_straddling:
            return STRADDLING
        return OUTSIDE


CATCHMENT = Catchment(
    name="Lanarkshire",
    board_code="S08000032",
    # Both councils' areas are within the health board.
    councils=(
        Council(code="S12000050", name="North Lanarkshire", slug="north"),
        Council(code="S12000029", name="South Lanarkshire", slug="south"),
    ),
    districts_inside=frozenset(
        {"ML1", "ML2", "ML3", "ML4", "ML5", "ML6", "ML8", "ML9", "ML10", "ML11"}
        | {"G67", "G71", "G72", "G73", "G74", "G75"}
    ),
    districts_straddling=frozenset(
        {"ML7", "ML12", "G33", "G65", "G66", "G68", "G69", "G76", "EH46", "EH47", "EH55"}
    ),
)
