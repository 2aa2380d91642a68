"""Signals of the events app.

``events_created`` is sent once per stored batch of new reports (one report
from the intake service, a whole file from the bulk import), inside its
transaction, with ``event_ids`` (list of int) and ``channel``. Both insert in
SQL, so ``post_save`` does not fire for them, and a receiver can act on the
whole set at once (e.g. open their cases in one statement).
"""

from django.dispatch import Signal

events_created = Signal()
