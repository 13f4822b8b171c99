"""What the team's pages work out the same for every team member, kept while the data it was
worked out from is unchanged (ADR 0016): the dashboard's alerts and the staff who can be
chosen; with no search and no filter, its queue counts and each queue's first page of rows.

The data's version is `referrals.models.DataVersion`: one number, raised by a deferred trigger
at the commit of every transaction that wrote to a table those read (referrals migration 0020
lists them: a new table read needs its trigger, in a new migration). Kept here, in each
process's memory, with the number it was worked out under and the day; worked out again when
either has moved.

Why it is never out of date: the number is read first, then the data, each statement seeing
every transaction committed before it began. So what is kept holds at least every change up to
that number; a change committed since raised the number (at its commit, in the same
transaction), and the next page reads the new number and works it out again. Each server and
worker keeps its own: the number, in the database, is what they share.

Inside a transaction (`connection.in_atomic_block`) nothing is kept or used: its own writes are
not in the number until it commits (the tests' transactions never do).
"""

from django.db import connection

_KEPT = {}


def _version():
    # One constant query, written out: the ORM would cost more than the query (issue 18).
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM referrals_dataversion WHERE id = 1")
        found = cursor.fetchone()
    return found[0] if found else None


class Kept:
    """One page's use of what is kept: the data's version read once, on first use."""

    def __init__(self, *, day):
        self.day = day
        self.key = None

    def __call__(self, name, work):
        """`work()`, or what it answered last in this process if the data is unchanged since
        and it is still the day. `work` must read nothing but the watched tables (migration
        0020) and the day, and answer the same for every team member."""
        if connection.in_atomic_block:
            return work()
        if self.key is None:
            self.key = (_version(), self.day)
        if self.key[0] is None:  # nothing written since the tables were made (or emptied)
            return work()
        found = _KEPT.get(name)
        if found is not None and found[0] == self.key:
            return found[1]
        answer = work()
        _KEPT[name] = (self.key, answer)
        return answer


def forget():
    """Forget everything kept in this process (a test that must see every query a page makes)."""
    _KEPT.clear()
