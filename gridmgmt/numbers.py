"""A number as a client sends it in JSON, checked once: pure Python, for the request parameters
(:mod:`gridmgmt.api_params`), sensor payloads and patrol tracks alike."""

import math


def json_number(raw) -> float | None:
    """The finite float of a JSON number (``int`` or ``float``, never ``true``/``false``), or None.

    None also for NaN, infinities and an integer beyond a float (``10**400``, whose ``float()`` raises
    OverflowError: a 500 wherever a number was read with ``float()`` alone).
    """
    if not isinstance(raw, (int, float)) or isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None
