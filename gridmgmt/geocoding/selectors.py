"""Address search: fuzzy matching of what a caller says against the gazetteer (pg_trgm)."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Greatest

from gridmgmt.geocoding.models import Place

# pg_trgm's threshold for the %> operator (default 0.6): a caller who drops one character of a
# nine-character name (广州第一人民医院 for 广州市第一人民医院) scores 0.58, and must be found.
MIN_SIMILARITY = 0.3


def place_search(*, query: str, limit: int = 10) -> list[Place]:
    """Places whose name or address resembles ``query``, best first (each with ``.score`` in 0..1).

    Matches a substring (``中山五路`` in ``越秀区中山五路 193 号``) and near
    spellings (a wrong or missing character) through trigram word similarity;
    the GIN indexes on ``name`` and ``address`` serve both. An empty query finds nothing.
    """
    query = query.strip()
    if not query:
        return []
    with connection.cursor() as cursor:  # the operator's threshold is a session setting
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(MIN_SIMILARITY)])
    score = Greatest(TrigramWordSimilarity(query, "name"), TrigramWordSimilarity(query, "address"))
    # Each condition is one the GIN indexes answer (ILIKE and %> both use gin_trgm_ops).
    matches = Q(name__icontains=query) | Q(address__icontains=query) | Q(name__trigram_word_similar=query) | Q(
        address__trigram_word_similar=query)
    return list(Place.objects.filter(matches).annotate(score=score)
                .order_by(F("score").desc(nulls_last=True), "name")[:limit])
