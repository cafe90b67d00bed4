import pytest
from lookup_queries import QUERIES, rank_of, shipped_index


def test_query_set_names_real_entries():
    ids = {doc["entry"]["id"] for doc in shipped_index()["docs"]}
    assert len(QUERIES) >= 25
    assert {expected for _, expected in QUERIES} <= ids


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_expected_entry_in_top_three(query, expected):
    rank = rank_of(query, expected)
    assert rank is not None and rank <= 3, f"{query!r}: {expected} ranked {rank}"
