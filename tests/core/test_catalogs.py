"""Every shipped language is complete, keeps placeholders and tags, and has CLDR plurals."""

from __future__ import annotations

import gettext
import re

import pytest
from babel import Locale

from i18n import LOCALES, Translator
from i18n.tools import extract, read

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


PLURAL_SAMPLES = [*range(1001), 1_000_000, 1_000_001, 2_000_000, 10**9, 10**12 + 1]
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")  # Babel's to_gettext order


def plural_mismatches(locale: str, plural_forms: str) -> list[int]:
    """Counts for which a gettext Plural-Forms header and CLDR pick different forms.

    Compares behaviour, not spelling: Babel may print the same CLDR rule differently
    from one release to the next."""
    nplurals = int(plural_forms.split("nplurals=")[1].split(";")[0])
    expr = plural_forms.split("plural=")[1].strip().rstrip(";")
    pick = gettext.c2py(expr)
    rule = Locale.parse(locale).plural_form
    tags = [tag for tag in CLDR_ORDER if tag in rule.tags or tag == "other"]
    if len(tags) != nplurals:
        return [-1]
    return [n for n in PLURAL_SAMPLES if pick(n) != tags.index(rule(n))]


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_follow_cldr(locale: str) -> None:
    catalog = read(locale)
    header = f"nplurals={catalog.num_plurals}; plural={catalog.plural_expr};"
    assert plural_mismatches(locale, header) == []
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            assert len(_strings(message)) == catalog.num_plurals, (locale, message.id)


@pytest.mark.parametrize(
    ("locale", "wrong"),
    [
        ("fr", "nplurals=2; plural=(n != 1);"),  # English rule: 0 would be plural
        ("uk", "nplurals=2; plural=(n != 1);"),  # too few forms
        ("ar", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : 5);"),  # no few/many
        ("pl", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);"),  # 12 is not few
    ],
)
def test_plural_check_catches_a_wrong_rule(locale: str, wrong: str) -> None:
    assert plural_mismatches(locale, wrong)


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
