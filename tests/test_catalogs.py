"""Every shipped language is complete, keeps placeholders and tags, and has CLDR plurals."""

from __future__ import annotations

import re

import pytest

from i18n import LOCALES, Translator
from i18n.tools import cldr_plural_forms, extract, read

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z]+")
TRANSLATED = [locale for locale in LOCALES if locale != "en"]  # English is the source


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    return {str(m.id) if not isinstance(m.id, tuple) else m.id[0] for m in extract() if m.id}


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_every_source_message(locale: str, source_ids: set[str]) -> None:
    catalog_ids = {_ids(m)[0] for m in read(locale) if m.id}
    missing = source_ids - catalog_ids
    assert not missing, f"run `python -m i18n.tools sync`; {locale} lacks {sorted(missing)[:5]}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale: str) -> None:
    untranslated = [_ids(m)[0] for m in read(locale) if m.id and not all(_strings(m))]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_and_tags_are_kept(locale: str) -> None:
    for message in read(locale):
        if not message.id:
            continue
        wanted_fields = set(PLACEHOLDER.findall(_ids(message)[0]))
        wanted_tags = sorted(TAG.findall(_ids(message)[0]))
        for text in _strings(message):
            if not text:
                continue
            assert set(PLACEHOLDER.findall(text)) == wanted_fields, (locale, message.id, text)
            assert sorted(TAG.findall(text)) == wanted_tags, (locale, message.id, text)


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_follow_cldr(locale: str) -> None:
    catalog = read(locale)
    assert catalog.plural_forms == cldr_plural_forms(locale).removesuffix(";").strip() or (
        catalog.plural_forms.rstrip(";") == cldr_plural_forms(locale).rstrip(";")
    )
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            assert len(_strings(message)) == catalog.num_plurals, (locale, message.id)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("uk", {1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1}),
        ("ar", {0: 0, 1: 1, 2: 2, 3: 3, 11: 4, 100: 5}),
        ("tr", {1: 0, 2: 1}),
        ("fr", {0: 0, 1: 0, 2: 2, 1_000_000: 1}),
        ("pl", {1: 0, 2: 1, 5: 2}),
    ],
)
def test_compiled_catalog_picks_cldr_plural_form(locale: str, expected: dict[int, int]) -> None:
    plural = Translator(locale)._catalog.plural  # the function gettext compiled from the header
    assert {n: plural(n) for n in expected} == expected


def test_right_to_left_values_are_isolated() -> None:
    ar = Translator("ar")
    text = ar._("📍 {postcode} {place}", postcode="8900", place="Ieper")
    assert "\u20688900\u2069" in text and "\u2068Ieper\u2069" in text
    nl = Translator("nl")
    assert "\u2068" not in nl._("📍 {postcode} {place}", postcode="8900", place="Ieper")


def test_values_are_html_escaped() -> None:
    assert "&lt;b&gt;" in Translator("en")._("📍 {postcode} {place}", postcode="1", place="<b>")
