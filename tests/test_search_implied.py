"""`q` with `make` or `model`: the filter's words are added to `q`'s text-search query, so the
GIN index intersects them (shared/data/search.py, `_implied`). The answer must be exactly the
one without them, for every make and model whatever its punctuation, accents or script."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from psycopg import ClientCursor

from functions import list_vehicles
from shared.data.database import Database
from shared.data.listing import statement_for
from shared.data.search import Search
from tests.fixtures.events import http_api_event, invoke

# make, model: what the document's parser might read differently alone and within the text.
NAMES = [
    ("Mercedes-Benz", "GLE 450 4MATIC"),
    ("Rolls-Royce", "Phantom"),
    ("Land Rover", "Range Rover Sport"),
    ("Citroën", "C5 Aircross"),
    ("Škoda", "Octavia"),
    ("Ford", "F-150"),
    ("Honda", "CR-V"),
    ("Tesla", "Model 3"),
    ("Audi", "e-tron GT"),
    ("Volkswagen", "ID.4"),
    ("Mazda", "MX-5 Miata"),
    ("Saab", "9-3"),
    ("A.B. Motors", "x/y"),
    ("O'Neil", "Über 2"),
    ("Москвич", "3e"),
    ("3M", "Mazda3"),
    ("Ram", "1500  Classic"),
    ("BMW", "X5 M50i"),
    ("<b x", "y>"),  # read as one markup tag within the document: not its words
]


def _store(db: Database) -> dict[str, tuple[str, str]]:
    vins = {}
    with db.transaction() as conn:
        for number, (make, model) in enumerate(NAMES):
            vin = f"1IMPLIED{number:09d}"
            conn.execute(
                "INSERT INTO vehicles (vin, make, model, description) VALUES (%s, %s, %s, %s)",
                (vin, make, model, "Panoramic sunroof, tow package."),
            )
            vins[vin] = (make, model)
    return vins


def _found(query: str) -> set[str]:
    event = http_api_event("GET", "/api/vehicles", query=f"{query}&page_size=100")
    reply = invoke(list_vehicles.handler, event)
    assert reply.status == 200, reply.json()
    return {item["vin"] for item in reply.json()["items"]}


@pytest.mark.parametrize(("make", "model"), NAMES, ids=[m for m, _ in NAMES])
def test_q_with_a_make_or_model_finds_exactly_the_vehicles_of_that_make_or_model(
    app_env: pytest.MonkeyPatch, db: Database, make: str, model: str
) -> None:
    vins = _store(db)
    words = quote("panoramic sunroof")
    for column, value in (("make", make), ("model", model)):
        expected = {vin for vin, names in vins.items() if names[column == "model"] == value}
        assert _found(f"q={words}&{column}={quote(value)}") == expected, (column, value)
    assert _found(f"q={words}&make={quote(make)}&model={quote(model)}") == {
        vin for vin, names in vins.items() if names == (make, model)
    }


def test_several_makes_and_negated_or_empty_words_keep_their_meaning(
    app_env: pytest.MonkeyPatch, db: Database
) -> None:
    vins = {names[0]: vin for vin, names in _store(db).items()}
    assert _found(f"q=sunroof&make=ford&make=SAAB&make={quote('Škoda')}") == {
        vins["Ford"],
        vins["Saab"],
        vins["Škoda"],
    }
    assert _found("q=sunroof&make=ford&make=A.B.%20Motors") == {vins["Ford"], vins["A.B. Motors"]}
    assert _found("q=-sunroof&make=ford") == set()
    assert _found("q=-hatchback&make=ford") == {vins["Ford"]}
    assert _found("q=hatchback%20or%20tow&make=bmw") == {vins["BMW"]}
    assert _found("q=!!!&make=ford") == set()  # no words: nothing, as without a make


def test_the_make_and_model_words_reach_the_text_search_condition(db: Database) -> None:
    statement, params = statement_for(
        Search(makes=("Mercedes-Benz",), models=("CR-V",), q="panoramic sunroof"),
        page=1,
        page_size=20,
        position=None,
        count="none",
    )
    conn = db.connection()
    plan = "\n".join(
        row[0] for row in conn.execute(f"EXPLAIN {ClientCursor(conn).mogrify(statement, params)}")
    )
    # Folded to one constant query when planned: the words the GIN index is asked for.
    words = "''panoramic'' & ''sunroof'' & ''mercedes'' & ''benz'' & ''cr'' & ''v''"
    assert f"search_document @@ '{words}'::tsquery" in plan
