"""The indexed tokens are the same on both databases: PostgreSQL's ``tbtwatch_index_text``
through the ``tbtwatch_*`` text search configurations gives, word for word and in the same
places, what :func:`store.search_text.tokens` gives SQLite."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from store.search_text import index_text, query_forms, tokens

LETTERS = "锂电池中文国の하국ア豈x Z9.\n\t-—é_/'"
WORDS = ["batteries", "Labelling", "jouets", "baterías", "G/TBT/N/EU/1201/Add.1", "8507.60", "the", "a", "USB接口"]


def test_tokens():
    assert tokens("Lithium batteries 锂电池，标准 茶", "en") == [
        *("lithium", "batteri", "锂电", "电池", "标准", "茶"),
        *("锂", "电", "池", "标", "准", "茶"),
    ]
    assert index_text("G/TBT/N/USA/2150 the Jouets", "fr") == "g tbt n usa 2150 the jouet"
    assert query_forms("batteries") == [("batteri",), ("batter",)]
    assert query_forms("锂电池") == [("锂电", "电池")] and query_forms("—") == []


@pytest.fixture
def postgresql_tokens(db_engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's text search")
    with db_engine.connect() as connection:

        def run(body: str, language: str) -> list[str]:
            rows = connection.execute(
                text(
                    "SELECT lexeme, positions FROM unnest(to_tsvector(CAST(:config AS regconfig), "
                    "tbtwatch_index_text(:body)))"
                ),
                {"config": f"tbtwatch_{language}", "body": body},
            ).all()
            placed = sorted((p, lexeme) for lexeme, positions in rows for p in positions)
            return [lexeme for _p, lexeme in placed]

        yield run


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_postgresql_indexes_the_same_tokens(postgresql_tokens, language):
    body = " ".join(WORDS) + " 食品 and 添加剂\n电"
    assert postgresql_tokens(body, language) == tokens(body, language)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=LETTERS, max_size=30) | st.lists(st.sampled_from(WORDS)).map(" ".join))
def test_any_text_gives_the_same_tokens(postgresql_tokens, body):
    assert postgresql_tokens(body, "en") == tokens(body, "en")
