"""Signals of the events app.

``events_bulk_created`` is sent once per bulk import, inside its transaction,
with ``event_ids`` (list of int) and ``channel``: the import inserts rows in
SQL, so ``post_save`` does not fire for them, and a receiver can act on the
whole set at once (e.g. open their cases in one statement).
"""

from django.dispatch import Signal

events_bulk_created = Signal()
