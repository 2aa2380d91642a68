"""Character bigrams of a text, indexable in PostgreSQL: what finds a 2-character Chinese word (垃圾, 路灯) by index.

pg_trgm indexes trigrams, so ``LIKE '%垃圾%'`` gives its GIN index nothing to
look up (the whole index is read, or the table). pg_bigm, the usual answer
for CJK ``LIKE``, is not packaged for Debian's PostgreSQL 15; instead the SQL
function :data:`FUNCTION` (events app migrations 0007 and 0008) returns
the 2-character substrings of ``UPPER(text)`` as ``text[]``, an
immutable function a GIN expression index stores. A 2-character word is then
found by ``gridmgmt_bigrams(column) @> gridmgmt_bigrams(word)`` (one index
lookup; the word's side is folded to a constant at plan time), with the
``UPPER(column) LIKE UPPER(word)`` of ``icontains`` kept as the exact check.
"""

from django.contrib.postgres.fields import ArrayField
from django.db.models import BooleanField, F, Func, Q, TextField, Value

NAME = "gridmgmt_bigrams"

# UPPER like icontains, so a Latin word's case does not matter either. The 2-character substrings in order,
# repeats kept (a GIN index and @> compare sets); an empty or 1-character text has none: '{}' (contains nothing,
# contained in everything). STRICT: NULL in, NULL out. PL/pgSQL because the search re-checks the condition on
# every row its index finds: a loop is about 3 times faster here than generate_series + array_agg in SQL.
FUNCTION = f"""
CREATE OR REPLACE FUNCTION {NAME}(text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  u text := upper($1);
  pairs text[] := '{{}}';
BEGIN
  FOR i IN 1 .. char_length(u) - 1 LOOP
    pairs := pairs || substr(u, i, 2);
  END LOOP;
  RETURN pairs;
END
$$
"""
DROP_FUNCTION = f"DROP FUNCTION IF EXISTS {NAME}(text)"


class Bigrams(Func):
    """``gridmgmt_bigrams(expression)``: the character bigrams of the upper-cased text (``text[]``)."""

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
