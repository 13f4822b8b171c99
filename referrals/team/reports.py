"""The reports pages' presenters: the month's tables (referrals.reports.figures) grouped into
sections, their figures in words a person reads, and what each trend's chart draws from its
table. Nothing is counted here."""

from dataclasses import dataclass

# (anchor, heading, the tables under it, in order)
SECTIONS = (
    (
        "received",
        "Referrals received",
        (
            "received",
            "received-by-profession",
            "received-by-council",
            "received-by-age",
            "received-by-sex",
        ),
    ),
    (
        "decisions",
        "Decisions",
        ("not-accepted-reasons", "not-accepted-signposting", "overrides", "threshold-routes"),
    ),
    ("time-to-decision-section", "Time to decision", ("time-to-decision",)),
    ("waits", "Waiting times", ("patients-seen", "patients-waiting")),
    ("cases-section", "Open and closed cases", ("cases",)),
    (
        "appointments-section",
        "Appointments",
        (
            "appointments",
            "appointments-by-mode",
            "appointments-by-group",
            "first-appointment-4-weeks",
        ),
    ),
    ("parents", "Parents' views", ("parents-views",)),
)
NOT_APPLICABLE = "Not applicable"

# What each trend's chart draws from its table: the kind, the columns drawn (by position), and
# the columns drawn as a dashed line (the standard).
CHARTS = {
    "trend-received": ("bar", (1, 2), ()),
    "trend-seen": ("line", (3, 4), (4,)),
    "trend-waiting": ("stacked", (1, 2, 3, 4), ()),
}
CHART_WORDS = {
    "trend-received": "Bar chart of referrals received and accepted in each month",
    "trend-seen": (
        "Line chart of the percentage of children seen within 18 weeks in each month, with the "
        "90% standard as a dashed line"
    ),
    "trend-waiting": (
        "Stacked bar chart of the children waiting at the end of each month, by how long "
        "they had waited"
    ),
}


def figure(value):
    """A figure as the page shows it: whole numbers with thousands separators, percentages and
    other fractions to one place, nothing to show as "Not applicable"."""
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _raw(value):
    """The number for the chart to read (data-value); blank when there is none."""
    return "" if value is None or isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Cell:
    text: str
    value: str
    numeric: bool


def table_view(table):
    return {
        "key": table.key,
        "title": table.title,
        "hint": table.hint,
        "columns": [(column, index > 0) for index, column in enumerate(table.columns)],
        "rows": [
            (
                str(row[0]),
                [Cell(figure(value), _raw(value), not isinstance(value, str)) for value in row[1:]],
            )
            for row in table.rows
        ],
    }


def sections(report):
    """[{anchor, heading, tables}] in the page's order; a table not placed in a section (one
    added to the report later) is shown last rather than lost."""
    placed = {key for _anchor, _heading, keys in SECTIONS for key in keys}
    result = [
        {
            "anchor": anchor,
            "heading": heading,
            "tables": [table_view(report.table(key)) for key in keys],
        }
        for anchor, heading, keys in SECTIONS
    ]
    others = [table_view(table) for table in report.tables if table.key not in placed]
    if others:
        result.append({"anchor": "other", "heading": "Other figures", "tables": others})
    return result


def trend_views(tables):
    views = []
    for table in tables:
        kind, drawn, dashed = CHARTS[table.key]
        first, last = table.rows[0][0], table.rows[-1][0]
        views.append(
            {
                **table_view(table),
                "chart_kind": kind,
                "chart_columns": ",".join(str(n) for n in drawn),
                "chart_dashed": ",".join(str(n) for n in dashed),
                "chart_label": f"{CHART_WORDS[table.key]}, {first} to {last}. "
                "The table below gives the figures.",
            }
        )
    return views


def gap_words(gaps):
    return [gap.words for gap in gaps]
