"""tbtwatch_search_text (PostgreSQL): text outside CJK runs as it is, then every run as its
unigrams and bigrams in order, whatever mix of scripts, spaces and line breaks it is given."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

CJK = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
LETTERS = "锂电池中文国の하국ア豈x Z9.\n\t-—é"


def expected(body: str) -> str:
    if not re.search(CJK, body):
        return body
    grams = [run[i // 2 : i // 2 + 1 + i % 2] for run in re.findall(CJK + "+", body) for i in range(2 * len(run) - 1)]
    return re.sub(CJK + "+", " ", body) + " " + " ".join(grams)


@pytest.fixture
def search_text(db_engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's search text function")
    with db_engine.connect() as connection:
        yield lambda body: connection.execute(text("SELECT tbtwatch_search_text(:body)"), {"body": body}).scalar()


def test_runs_become_unigrams_and_bigrams(search_text):
    assert search_text("abc 锂电池 def") == "abc   def 锂 锂电 电 电池 池"
    assert search_text("国") == "  国"
    assert search_text("食品 and 添加剂\n电") == "  and  \n  食 食品 品 添 添加 加 加剂 剂 电"
    assert search_text("no CJK at all\n") == "no CJK at all\n"
    assert search_text("") == "" and search_text(None) is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=LETTERS, max_size=30))
def test_any_text_as_the_reference_expands_it(search_text, body):
    assert search_text(body) == expected(body)
