"""The catalog merge driver merges two branches' translations message by message."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from i18n.tools import _read_path, merge, write


def _po(path: Path, messages: dict[str, str]) -> Path:
    catalog = Catalog(locale="nl", domain="meedoen", project="meedoen")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    write(catalog, path)
    return path


def test_both_sides_keep_their_new_and_changed_messages(tmp_path: Path) -> None:
    base = _po(tmp_path / "base.po", {"Hello": "Hallo", "Bye": "Dag", "Old": "Oud"})
    ours = _po(tmp_path / "ours.po", {"Hello": "Hallo", "Bye": "Tot ziens", "Ours": "Van ons",
                                       "Old": "Oud"})  # fmt: skip
    theirs = _po(tmp_path / "theirs.po", {"Hello": "Hoi", "Bye": "Dag", "Theirs": "Van hen"})
    merge(base, ours, theirs)
    merged = {m.id: m.string for m in _read_path(ours) if m.id}
    assert merged == {"Hello": "Hoi", "Bye": "Tot ziens", "Ours": "Van ons", "Theirs": "Van hen"}


def test_an_empty_translation_never_wins_over_a_real_one(tmp_path: Path) -> None:
    base = _po(tmp_path / "base.po", {})
    ours = _po(tmp_path / "ours.po", {"New": "Nieuw"})
    theirs = _po(tmp_path / "theirs.po", {"New": ""})
    merge(base, ours, theirs)
    assert {m.id: m.string for m in _read_path(ours) if m.id} == {"New": "Nieuw"}
