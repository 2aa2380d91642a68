"""Normalisation of official area names (no Django: the demo builder uses it too)."""

# NBS lists communities as "…社区居委会" or "…社区居民委员会" (and a few
# "…居民委员会"): the committee's name, not the community's. Strip the
# committee suffix so names match across sources.
COMMITTEE_SUFFIXES = ("社区居民委员会", "社区居委会", "居民委员会", "居委会")


def normalise_community_name(name: str) -> str:
    name = name.strip()
    for suffix in COMMITTEE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)] + "社区"
    return name
