"""Character bigrams of a text, indexable in PostgreSQL: what finds a 2-character Chinese word (垃圾, 路灯) by index.

pg_trgm indexes trigrams, so ``LIKE '%垃圾%'`` gives its GIN index nothing to
look up (the whole index is read, or the table). pg_bigm, the usual answer
for CJK ``LIKE``, is not packaged for Debian's PostgreSQL 15; instead the SQL
function :data:`FUNCTION` (created by the events app's migration 0007) returns
the distinct 2-character substrings of ``UPPER(text)`` as ``text[]``, an
immutable function a GIN expression index stores. A 2-character word is then
found by ``gridmgmt_bigrams(column) @> gridmgmt_bigrams(word)`` (one index
lookup; the word's side is folded to a constant at plan time), with the
``UPPER(column) LIKE UPPER(word)`` of ``icontains`` kept as the exact check.
"""

from django.contrib.postgres.fields import ArrayField
from django.db.models import BooleanField, F, Func, Q, TextField, Value

NAME = "gridmgmt_bigrams"

# UPPER like icontains, so a Latin word's case does not matter either. An empty or 1-character text has no
# bigram: '{}' (contains nothing but is contained in everything). STRICT: NULL in, NULL out.
FUNCTION = f"""
CREATE OR REPLACE FUNCTION {NAME}(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(s.u, i, 2)), '{{}}')
  FROM (SELECT upper($1) AS u) AS s, generate_series(1, char_length(s.u) - 1) AS i
$$
"""
DROP_FUNCTION = f"DROP FUNCTION IF EXISTS {NAME}(text)"


class Bigrams(Func):
    """``gridmgmt_bigrams(expression)``: the text's distinct character bigrams, upper-cased (``text[]``)."""

    function = NAME
    output_field = ArrayField(TextField())


class _ArrayContains(Func):
    """``left @> right`` as a condition, the operator a GIN index on arrays answers."""

    template = "%(expressions)s"
    arg_joiner = " @> "
    output_field = BooleanField()


def contains_word_q(column: str, word: str) -> Q:
    """Rows whose ``column`` contains ``word`` ignoring case (``icontains``), found through the column's
    bigram index when the word has exactly 2 characters (the trigram index serves 3 and more)."""
    q = Q(**{f"{column}__icontains": word})
    if len(word) == 2:
        q &= Q(_ArrayContains(Bigrams(F(column)), Bigrams(Value(word, output_field=TextField()))))
    return q
