"""Catalog upkeep: `python -m i18n.tools sync` extracts messages and merges every catalog.

`merge` is a git merge driver for catalogs (see the README). `sync` does what
`pybabel extract` + `pybabel update` do, and also sets each catalog's
Plural-Forms header from the CLDR rules of its language (Babel's own table is older and
gives Turkish or Dari a single form). `python -m i18n.tools missing` lists what is untranslated.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from babel.plural import to_gettext

from i18n.languages import LOCALES
from i18n.translator import DOMAIN, catalog_path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).parent / "messages.pot"
SOURCE_DIRS = ("bot", "handlers")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
COMMENT_TAGS = ("Translators:",)  # like `pybabel extract --add-comments Translators:`


def cldr_plural_forms(locale: str) -> str:
    """Gettext Plural-Forms from CLDR. Counts are whole numbers, so CLDR's operands for
    fractions and exponents (v, f, t, e, c, w) are 0 and the integer part i is n."""
    forms = to_gettext(Locale.parse(locale).plural_form).strip().rstrip(";")
    forms = re.sub(r"\b[vfteCcw]\b", "0", forms)
    return re.sub(r"\bi\b", "n", forms) + ";"


def extract() -> Catalog:
    template = Catalog(project="meedoen", domain=DOMAIN)
    for folder in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        ):
            template.add(message, None, [(f"{folder}/{filename}", lineno)],
                         auto_comments=comments, context=context)
    return template


def read(locale: str) -> Catalog:
    path = catalog_path(locale)
    if not path.exists():
        return Catalog(locale=locale, domain=DOMAIN, project="meedoen")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, no_location=True, sort_output=True)


def with_cldr_plurals(catalog: Catalog, locale: str) -> Catalog:
    forms = cldr_plural_forms(locale)
    nplurals = int(forms.split("nplurals=")[1].split(";")[0])
    expr = forms.split("plural=")[1].rstrip(";")
    catalog._num_plurals = nplurals  # type: ignore[assignment]  # Babel reads the header here
    catalog._plural_expr = expr  # type: ignore[assignment]
    catalog.fuzzy = False
    return catalog


def sync() -> None:
    template = extract()
    write(template, TEMPLATE)
    for locale in LOCALES:
        catalog = with_cldr_plurals(read(locale), locale)
        catalog.update(template, no_fuzzy_matching=True)
        for message in list(catalog.obsolete):
            del catalog.obsolete[message]
        write(with_cldr_plurals(catalog, locale), catalog_path(locale))


def missing(locale: str) -> list[str]:
    catalog = read(locale)
    return [
        str(m.id) for m in catalog if m.id and (
            not all(m.string) if isinstance(m.string, tuple) else not m.string
        )
    ]


def _read_path(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def merge(base_path: Path, ours_path: Path, theirs_path: Path) -> None:
    """Three-way merge of one catalog, message by message (a git merge driver).

    Two branches that each add or translate messages touch neighbouring lines of a sorted
    catalog, which line-based merging reports as conflicts. Per message: a side that changed
    it wins over a side that did not; when both changed it, theirs (the branch merged in)
    wins; a message deleted on one side and untouched on the other goes."""
    ours = _read_path(ours_path)
    base = _read_path(base_path, ours.locale_identifier) if base_path.stat().st_size else None
    theirs = _read_path(theirs_path, ours.locale_identifier)

    def key(message: Any) -> tuple[Any, Any]:
        return (message.id, message.context)

    before = {key(m): m for m in base if m.id} if base is not None else {}
    mine = {key(m): m for m in ours if m.id}
    other = {key(m): m for m in theirs if m.id}
    for k, message in other.items():
        old = before.get(k)
        if k not in mine:
            if old is None:  # new on their side
                ours[message.id] = message
            continue
        changed_theirs = old is None or old.string != message.string
        changed_ours = old is None or old.string != mine[k].string
        if changed_theirs and (not changed_ours or message.string):
            ours.delete(message.id, message.context)
            ours[message.id] = message
    for k in list(mine):
        if k not in other and k in before and before[k].string == mine[k].string:
            ours.delete(k[0], k[1])  # they removed it, we did not touch it
    write(ours, ours_path)


def main(argv: list[str]) -> int:
    if argv[:1] == ["sync"]:
        sync()
        return 0
    if argv[:1] == ["merge"] and len(argv) == 4:
        merge(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        return 0
    if argv[:1] == ["missing"]:
        for locale in argv[1:] or LOCALES:
            print(f"{locale}: {len(missing(locale))} missing")
        return 0
    print(
        "usage: python -m i18n.tools sync | missing [LOCALE...] | merge BASE OURS THEIRS",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
