"""Address search: fuzzy matching of what a caller says against the gazetteer (pg_trgm)."""

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.db.models.lookups import Contains

from gridmgmt.geocoding.models import Place

# pg_trgm's threshold for the %> operator (default 0.6): a caller who drops one character of a
# nine-character name (广州第一人民医院 for 广州市第一人民医院) scores 0.58, and must be found.
MIN_SIMILARITY = 0.3


class _ContainsIgnoringCase(Contains):
    """``column ILIKE '%text%'`` (the text's % and _ escaped, as ``contains`` does). pg_trgm's GIN index on
    the plain column answers ILIKE; Django's ``icontains`` compares ``UPPER(column) LIKE UPPER(...)``, an
    expression that index does not hold, so one such branch of the OR made the whole search a Seq Scan."""

    def get_rhs_op(self, connection, rhs):
        return f"ILIKE {rhs}"


def places_matching(query: str) -> QuerySet:
    """Places whose name or address contains ``query`` (case ignored) or resembles it by trigram word
    similarity (``%>``, at the session's ``pg_trgm.word_similarity_threshold``), annotated with ``score``
    in 0..1 and best first. Every branch is a condition of the trigram GIN indexes on ``name`` and ``address``.

    Equal scores are ordered by the similarity of the whole text (``likeness``): word similarity scores
    the best-matching stretch only, so ``三眼井 12号`` scored every ``三眼井社区示例楼N号`` alike (pg_trgm
    keeps no trigram of ``12`` inside a run of CJK characters) and 10号 came before the 12号 the caller named.
    """
    score = Greatest(TrigramWordSimilarity(query, "name"), TrigramWordSimilarity(query, "address"))
    likeness = Greatest(TrigramSimilarity("name", query), TrigramSimilarity("address", query))
    matches = (Q(_ContainsIgnoringCase(F("name"), query)) | Q(_ContainsIgnoringCase(F("address"), query))
               | Q(name__trigram_word_similar=query) | Q(address__trigram_word_similar=query))
    return Place.objects.filter(matches).annotate(score=score, likeness=likeness).order_by(
        F("score").desc(nulls_last=True), F("likeness").desc(nulls_last=True), "name")


def place_search(*, query: str, limit: int = 10) -> list[Place]:
    """Places whose name or address resembles ``query``, best first (each with ``.score`` in 0..1).

    Matches a substring (``中山五路`` in ``越秀区中山五路 193 号``) and near
    spellings (a wrong or missing character) through trigram word similarity
    (:func:`places_matching`); the GIN indexes on ``name`` and ``address`` serve both.
    An empty query finds nothing.
    """
    query = query.strip()
    if not query:
        return []
    with connection.cursor() as cursor:  # the operator's threshold is a session setting
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(MIN_SIMILARITY)])
    return list(places_matching(query)[:limit])


def place_example() -> str | None:
    """The name of one stored place (the first by source and id), for a search box's example; None when the
    gazetteer is empty. An example from the data itself is one the search finds, whatever was imported."""
    return Place.objects.order_by("source", "source_id").values_list("name", flat=True).first()
