"""The form of official area codes, written once for every import and the recode command.

GB/T 2260 gives a district (县级区划) 6 digits; GB/T 10114 and the NBS
statistical division codes (统计用区划代码) add 3 digits for a street (街道)
and 3 more for a community (社区居委会): 6 + 3 + 3. A child's code starts
with its parent's, which is what lets a grid code (community + sequence) be
read back to its street and district. A grid (网格, CJ/T 213) adds a sequence
of 2 or 3 digits to its community's code (``GRID_CODE_SEQUENCE_DIGITS``).
"""

CODE_DIGITS = {"district": (6,), "street": (9,), "community": (12,), "grid": (14, 15)}
PARENT_LEVEL = {"street": "district", "community": "street", "grid": "community"}


def area_code_problem(level: str, code: str, parent_code: str = "") -> str | None:
    """Why ``code`` is not a valid code for an area of ``level``, or None if it is.

    Parameters
    ----------
    level
        ``district``, ``street``, ``community`` or ``grid``.
    code
        The code to check.
    parent_code
        The parent area's code (street and community); checked as the prefix
        when given.

    Returns
    -------
    str or None
        A message naming the code and the form expected, e.g. ``code '01' is
        not a community code: expected 12 digits starting with the street's
        code 091000001``.
    """
    digits = CODE_DIGITS[level]
    parent_level = PARENT_LEVEL.get(level)
    expected = f"{' or '.join(map(str, digits))} digits"
    if parent_level and parent_code:
        expected += f" starting with the {parent_level}'s code {parent_code}"
    if len(code) not in digits or not code.isdigit() or not code.isascii():
        return f"code '{code}' is not a {level} code: expected {expected}"
    if parent_level and parent_code and not code.startswith(parent_code):
        return f"code '{code}' does not start with its {parent_level}'s code {parent_code}: expected {expected}"
    return None
