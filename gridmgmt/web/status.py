"""Case and report statuses in the user's language (the model labels are bilingual for the admin)."""

from django.utils.translation import gettext_lazy as _

from gridmgmt.cases.models import Status

STATUS_LABELS = {
    Status.REPORTED: _("Reported"),
    Status.OPENED: _("Opened"),
    Status.CANCELLED: _("Cancelled"),
    Status.DISPATCHED: _("Dispatched"),
    Status.ACCEPTED: _("Accepted by the department"),
    Status.HANDLED: _("Handled, awaiting verification"),
    Status.REWORK: _("Returned for rework"),
    Status.SUSPENDED: _("Suspended"),
    Status.CLOSED: _("Closed"),
    Status.MERGED: _("Merged into another case"),
}
