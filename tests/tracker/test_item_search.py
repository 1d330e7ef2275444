import pytest

from tests.factories import make_item
from tests.tracker.factories import make_d3_softgel, make_natto

pytestmark = pytest.mark.django_db

URL = "/items/search/"


def names(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["name"] for row in response.json()]


def test_it_returns_matching_items_with_their_portions(alice_client):
    natto = make_natto()
    make_item("Gouda")

    rows = alice_client.get(URL, {"q": "nat"}).json()

    portion = natto.portions.get()
    assert rows == [
        {
            "id": natto.pk,
            "name": "Natto",
            "kind": "food",
            "brand": "",
            "own": False,
            "portions": [{"id": portion.pk, "label": "1 serving (3 oz)", "grams": 85.0, "units": None}],
        }
    ]


def test_it_lists_the_users_own_items_first_and_never_anyone_elses(alice_client, alice, bob):
    make_natto()
    make_item("Natto, firm")
    make_item("Natto, mine", owner=alice)
    make_item("Natto, Bob's", owner=bob)

    response = alice_client.get(URL, {"q": "NATTO"})

    assert names(response) == ["Natto, mine", "Natto", "Natto, firm"]
    assert [row["own"] for row in response.json()] == [True, False, False]


def test_every_word_must_match_in_any_order(alice_client):
    make_item("Cheese, gouda")
    make_item("Cheese, brie")
    assert names(alice_client.get(URL, {"q": "gouda chee"})) == ["Cheese, gouda"]


def test_it_can_ask_for_one_kind(alice_client):
    make_item("Vitamin D mushrooms")
    softgel = make_d3_softgel()

    rows = alice_client.get(URL, {"q": "vitamin d", "kind": "supplement"}).json()

    assert [row["id"] for row in rows] == [softgel.pk]
    assert rows[0]["portions"] == [{"id": softgel.portions.get().pk, "label": "1 softgel", "grams": None,
                                    "units": 1.0}]
    assert names(alice_client.get(URL, {"q": "vitamin d", "kind": "food"})) == ["Vitamin D mushrooms"]
    assert len(alice_client.get(URL, {"q": "vitamin d", "kind": "pills"}).json()) == 2


def test_it_answers_at_most_15_items(alice_client):
    for number in range(20):
        make_item(f"Cheese {number:02}")
    assert names(alice_client.get(URL, {"q": "cheese"})) == [f"Cheese {number:02}" for number in range(15)]


@pytest.mark.parametrize("q", ["zzz", "%", "_", "nat%", "x" * 10_000])
def test_odd_queries_find_nothing_and_do_not_fail(alice_client, q):
    make_natto()
    assert names(alice_client.get(URL, {"q": q})) == []


def test_a_long_query_is_cut_to_its_first_words(alice_client):
    make_natto()
    assert names(alice_client.get(URL, {"q": "natto " * 50})) == ["Natto"]


def test_an_empty_query_lists_the_first_items_of_the_kind(alice_client, alice):
    make_natto()
    own = make_item("Zucchini, mine", owner=alice)
    assert names(alice_client.get(URL)) == [own.name, "Natto"]
    assert names(alice_client.get(URL, {"q": "\x00"})) == [own.name, "Natto"]


def test_it_makes_the_same_number_of_queries_for_1_or_15_items(alice_client, django_assert_num_queries):
    make_natto()
    for number in range(15):
        make_item(f"Cheese {number:02}", portions={"1 oz": "28.35", "1 slice": 21})
    alice_client.get(URL, {"q": "natto"})

    with django_assert_num_queries(3):  # user (the session is read from the cache), items, portions
        assert len(alice_client.get(URL, {"q": "natto"}).json()) == 1
    with django_assert_num_queries(3):
        assert len(alice_client.get(URL, {"q": "cheese"}).json()) == 15


def test_it_needs_a_log_in(client):
    response = client.get(URL, {"q": "nat"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/items/search/")


def test_it_answers_only_get(alice_client):
    assert alice_client.post(URL, {"q": "nat"}).status_code == 405
