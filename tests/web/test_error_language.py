"""Refusals in the reader's language (issue 19, and issue 21's "messages a person understands"): the JSON API
says its errors in the language of `Accept-Language` (the shape and the field names unchanged), the website
in the page's language, and a value refused by validation is said in our own words naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cer.content import Content
from tests.web.conftest import seed_plan

NO_PLAN = {
    "en": "unknown plan for country 'ZZZ'; known: MWI",
    "fr": "plan du pays 'ZZZ' introuvable ; valeurs possibles : MWI",
    "es": "no se encontró plan del país 'ZZZ'; valores posibles: MWI",
    "ar": "خطة البلد 'ZZZ' غير موجود؛ القيم الممكنة: MWI",
}


@pytest.mark.parametrize("lang", sorted(NO_PLAN))
def test_an_api_error_is_in_the_language_of_accept_language(
    site: TestClient, content: Content, lang: str
) -> None:
    seed_plan(site, content)
    answer = site.get("/api/plans/ZZZ", headers={"Accept-Language": f"{lang};q=0.9, en;q=0.1"})
    assert answer.status_code == 404
    assert answer.json() == {"errors": [{"field": "plan for country", "message": NO_PLAN[lang]}]}
    assert answer.headers["content-language"] == lang


def test_a_language_we_do_not_have_gets_english(site: TestClient, content: Content) -> None:
    seed_plan(site, content)
    answer = site.get("/api/plans/ZZZ", headers={"Accept-Language": "de-DE, de;q=0.9"})
    assert answer.json()["errors"][0]["message"] == NO_PLAN["en"]
    assert answer.headers["content-language"] == "en"


def test_a_stale_change_is_refused_in_french_naming_the_versions(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    ref = site.get("/api/tasks", params={"country": code, "per_page": 1}).json()["items"][0]["ref"]
    assert site.patch(f"/api/tasks/{ref}", json={"version": 1, "note": "one"}).status_code == 200
    stale = site.patch(
        f"/api/tasks/{ref}", json={"version": 1, "note": "two"}, headers={"Accept-Language": "fr"}
    )
    message = stale.json()["errors"][0]["message"]
    assert stale.status_code == 409
    assert message.startswith(
        f"la tâche {ref} a changé depuis la version 1 : elle est maintenant en version 2"
    )
    assert message.endswith("rien n'a été enregistré — rechargez et réessayez")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"per_page": "2.5"}, "per_page", "Saisissez un nombre entier, par exemple 18."),
        ({"step": "0"}, "step", "Saisissez une valeur supérieure ou égale à 1."),
        ({"status": "finished"}, "status", "Choisissez parmi : "),
        ({"country": "MWIX"}, "country", "Saisissez au plus 3 caractères."),
    ],
)
def test_each_kind_of_bad_api_value_is_said_by_its_type(
    site: TestClient, params: dict[str, str], field: str, message: str
) -> None:
    answer = site.get("/api/tasks", params=params, headers={"Accept-Language": "fr"})
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == field and error["message"].startswith(message)
    assert "Input should" not in error["message"]  # never pydantic's own words


def test_a_missing_api_value_is_said_in_spanish(site: TestClient) -> None:
    answer = site.get("/api/signoffs", params={"country": "MWI"}, headers={"Accept-Language": "es"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "workstream", "message": "Obligatorio: rellene este campo."}]


def test_a_task_address_that_is_not_a_number_is_a_page_not_found_in_words(site: TestClient) -> None:
    """Measured in issue 21: /countries/MWI/tasks/MWI-A-1.1 answered "task_id: Input should be a valid
    integer"."""
    page = site.get("/countries/MWI/tasks/MWI-A-1.1")
    assert page.status_code == 404
    assert (
        "Task number “MWI-A-1.1” was not found: the address is wrong, or the link that brought you here is "
        "broken." in page.text
    )
    assert "Input should" not in page.text and "task_id" not in page.text
    french = site.get("/countries/MWI/tasks/MWI-A-1.1", headers={"Accept-Language": "fr"})
    assert "Numéro de tâche « MWI-A-1.1 » introuvable : l&#39;adresse est erronée" in french.text
    assert french.headers["content-language"] == "fr"


def test_a_bad_query_value_on_a_page_names_the_field_and_what_was_typed(site: TestClient) -> None:
    page = site.get("/tools", params={"step": "2.5"}, headers={"Accept-Language": "fr"})
    assert page.status_code == 422
    assert "Étape : Saisissez un nombre entier, par exemple 18. (reçu : « 2.5 »)" in page.text
    english = site.get("/tools", params={"step": "12"})
    assert "Step: Enter 9 or less. (got “12”)" in english.text
    arabic = site.get("/tools", params={"step": "x"}, headers={"Accept-Language": "ar"})
    assert "أدخل عددًا صحيحًا، مثل 18. (القيمة المُدخلة: «x»)" in arabic.text


def test_a_service_refusal_on_a_page_is_in_the_page_language(site: TestClient, content: Content) -> None:
    seed_plan(site, content)
    page = site.get("/countries/MWI/tasks/999999", headers={"Accept-Language": "es"})
    assert page.status_code == 404
    assert (
        "no se encontró tarea &#39;MWI #999999&#39;; valores posibles: un número de tarea del plan del país"
        in (page.text)
    )


def test_the_api_without_a_token_says_so_in_arabic(public_site: TestClient) -> None:
    answer = public_site.get("/api/plans", headers={"Accept-Language": "ar"})
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["message"].startswith("سجّل الدخول أولًا")
