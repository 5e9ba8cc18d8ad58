"""Which kinds of activity a typed word means, in any shipped language: "koken", "طبخ",
"футбол". Pure: the names of the kinds and interests from every catalog, plus a few common
words per kind that are not the name of a kind (football, swimming, choir…)."""

from __future__ import annotations

import unicodedata
from functools import cache

from handlers.offers.ranking import KIND_INTEREST
from handlers.vocab import INTERESTS, KINDS
from i18n import LOCALES, translator

MIN_PREFIX = 4  # a known word this long may be the start of a typed one

# Common words for an activity that are not the name of its kind, in the shipped languages.
WORDS: dict[str, tuple[str, ...]] = {
    "sport": (
        "football",
        "soccer",
        "voetbal",
        "futbol",
        "fútbol",
        "футбол",
        "كرة القدم",
        "كرة",
        "فوتبال",
        "ball",
        "kubadda",
        "ኩዑሶ",
        "piłka",
        "fotbal",
        "swim",
        "zwemmen",
        "natation",
        "плавание",
        "плавання",
        "yüzme",
        "سباحة",
        "شنا",
        "running",
        "lopen",
        "joggen",
        "бег",
        "біг",
        "koşu",
        "fitness",
        "yoga",
        "dance",
        "dansen",
        "danse",
        "танцы",
        "танці",
        "dans",
        "رقص",
        "basketbal",
        "basketball",
        "volleybal",
        "volleyball",
        "волейбол",
        "tennis",
        "теніс",
        "теннис",
        "cricket",
        "کرکټ",
        "کریکت",
        "boxing",
        "boksen",
        "fietsen",
        "cycling",
        "vélo",
        "bisiklet",
        "велосипед",
    ),
    "cooking": (
        "cook",
        "kook",
        "keuken",
        "kitchen",
        "cuisine",
        "cocina",
        "кухня",
        "mutfak",
        "آشپزی",
        "مطبخ",
        "bake",
        "bakken",
        "выпечка",
        "випічка",
        "food",
        "eten",
        "еда",
        "їжа",
        "yemek",
        "غذاء",
        "غذا",
        "cunto",
        "ምግቢ",
    ),
    "music": (
        "sing",
        "zingen",
        "koor",
        "choir",
        "chorale",
        "chant",
        "хор",
        "пение",
        "спів",
        "koro",
        "şarkı",
        "غناء",
        "سرود",
        "guitar",
        "gitaar",
        "гитара",
        "гітара",
        "piano",
        "drum",
    ),
    "language": (
        "dutch",
        "nederlands",
        "vlaams",
        "néerlandais",
        "neerlandés",
        "нидерландский",
        "нідерландська",
        "голландский",
        "flemenkçe",
        "هولندية",
        "هلندی",
        "conversation",
        "praten",
        "taal",
        "language",
        "язык",
        "мова",
        "dil",
        "لغة",
        "زبان",
        "afka",
    ),
    "crafts": (
        "sewing",
        "naaien",
        "couture",
        "шитьё",
        "шиття",
        "dikiş",
        "خياطة",
        "خیاطی",
        "repair",
        "herstellen",
        "repair café",
        "ремонт",
        "tamir",
        "knit",
        "breien",
        "вязание",
        "в'язання",
        "örgü",
        "wood",
        "hout",
    ),
    "nature": (
        "garden",
        "tuin",
        "tuinieren",
        "jardin",
        "jardín",
        "сад",
        "огород",
        "bahçe",
        "حديقة",
        "باغ",
        "walk",
        "wandelen",
        "прогулка",
        "прогулянка",
        "yürüyüş",
        "park",
        "bos",
        "forest",
    ),
    "youth": (
        "kids",
        "kinderen",
        "children",
        "enfants",
        "дети",
        "діти",
        "çocuk",
        "أطفال",
        "کودکان",
        "ماشومان",
        "carruur",
        "ቆልዑ",
    ),
    "library": (
        "book",
        "boek",
        "boeken",
        "livre",
        "libro",
        "книга",
        "книги",
        "kitap",
        "كتاب",
        "کتاب",
        "buug",
        "መጽሓፍ",
        "bibliotheek",
        "library",
        "bibliothèque",
    ),
    "volunteering": (
        "volunteer",
        "vrijwilliger",
        "vrijwilligerswerk",
        "bénévole",
        "voluntario",
        "волонтер",
        "волонтёр",
        "gönüllü",
        "تطوع",
        "داوطلب",
    ),
    "care": (
        "elderly",
        "ouderen",
        "senior",
        "пожилые",
        "літні",
        "yaşlı",
        "كبار السن",
        "سالمندان",
        "woonzorgcentrum",
        "rusthuis",
    ),
    "culture": (
        "museum",
        "musée",
        "музей",
        "müze",
        "متحف",
        "موزه",
        "theater",
        "theatre",
        "théâtre",
        "театр",
        "tiyatro",
        "مسرح",
        "تئاتر",
        "art",
        "kunst",
        "film",
        "cinema",
        "кино",
        "кіно",
        "sinema",
    ),
}


def normal(text: str) -> str:
    """Case, accents and Arabic vowel marks folded away, the Arabic article dropped:
    "Café" → "cafe", "الطبخ" → "طبخ"."""
    folded = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text.casefold().strip())
        if not unicodedata.combining(ch) and ch != "\u0640"  # tatweel
    )
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in folded.split()]
    return " ".join(words)


@cache
def vocabulary() -> dict[str, frozenset[str]]:
    """Every word that names a kind, in every language, folded, with the kinds it names."""
    interest_kind = {interest: kind for kind, interest in KIND_INTEREST.items()}
    names: dict[str, set[str]] = {kind: {kind} for kind in KINDS if kind != "other"}
    for locale in LOCALES:
        t = translator(locale)
        for kind, (_, label) in KINDS.items():
            if kind in names:
                names[kind] |= {label, t._(label)}
        for interest, (_, label) in INTERESTS.items():
            served = interest_kind.get(interest)
            if served in names:
                names[served] |= {label, t._(label)}
    for kind, extra in WORDS.items():
        names[kind] |= set(extra)
    index: dict[str, set[str]] = {}
    for kind, words in names.items():
        for word in words:
            folded = normal(word)
            index.setdefault(folded, set()).add(kind)
            for part in folded.split():  # "Crafts and repair": "crafts", "repair"
                if len(part) >= MIN_PREFIX:
                    index.setdefault(part, set()).add(kind)
    return {word: frozenset(kinds) for word, kinds in index.items()}


def kinds_for(typed: str) -> frozenset[str]:
    """The kinds a typed word or two names: the whole word, a known word of at least four
    letters that starts it ("футболу" for "футбол"), or a start of at least five letters
    ("zwemm" for "zwemmen"); "help" is not "helping others"."""
    query = normal(typed)
    if not query:
        return frozenset()
    found: set[str] = set()
    for word, kinds in vocabulary().items():
        if (
            word == query
            or (len(query) > MIN_PREFIX and word.startswith(query))
            or (len(word) >= MIN_PREFIX and query.startswith(word))
        ):
            found |= kinds
    return frozenset(found)


def in_title(typed: str, titles: list[str]) -> bool:
    """Does the typed word occur in one of an offer's titles (Dutch or translated)?"""
    query = normal(typed)
    return len(query) >= 3 and any(query in normal(title) for title in titles)
