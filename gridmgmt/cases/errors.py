"""Errors a user can cause in the workflow; each names the case, state and role involved.

``http_status`` lets the API map them without the services knowing HTTP.
"""


class CaseError(Exception):
    http_status = 400


class StateNotAllowed(CaseError):
    """The action does not apply in the case's current state."""

    http_status = 409


class RoleNotAllowed(CaseError):
    """None of the user's roles over this case may take the action."""

    http_status = 403


class VersionConflict(CaseError):
    """Someone changed the case since the caller read it (optimistic lock)."""

    http_status = 409


class CaseInvalid(CaseError):
    """The action's input is wrong (missing photo, GPS outside the grid, ...)."""
