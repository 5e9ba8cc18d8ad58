"""What people type at each kind of step, per language, and what it must mean.

`None` means: not understood, the person gets the help reply and nothing changes. The clock
of the tests stands on Monday 23 November 2026, 11:00 in Brussels.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

YESTERDAY, TODAY, TOMORROW = date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24)
LAST_FRIDAY, NEXT_FRIDAY = date(2026, 11, 20), date(2026, 11, 27)
HELP = None

# step code → [(typed, meaning)]:
#   or: role · ok: with children · od: Dutch level · oi: interest ticked · oc: postcode
#   hh: minutes · hd: day logged · bd: day of a planned meeting · bt: time of that meeting
TABLES: dict[str, dict[str, list[tuple[str, Any]]]] = {
    "ar": {
        "or": [("انا جديد", "newcomer"), ("رفيق", "buddy"), ("1", "newcomer"), ("مرحبا", HELP)],
        "ok": [("نعم", True), ("لا", False), ("ربما", HELP)],
        "od": [("A2", 2), ("٣", 3), ("أعرف بعض الكلمات", 1), ("C3", HELP)],
        "oi": [("رياضة", "sport"), ("طبخ", "cooking"), ("الطبيعه", "nature"), ("سيارات", HELP)],
        "oc": [
            ("٨٩٠٠", "8900"),
            ("ايبر", "8900"),
            ("غنت", "9000"),
            ("سينت نيكلاس", "9100"),
            ("لا أعرف", HELP),
        ],
        "hh": [("ساعتين", 120), ("90 دقيقة", 90), ("١٫٥", 90), ("ساعة ونص", 90), ("كثير", HELP)],
        "hd": [
            ("أمس", YESTERDAY),
            ("اليوم", TODAY),
            ("٢١/١١", date(2026, 11, 21)),
            ("الجمعة", LAST_FRIDAY),
            ("قريبا", HELP),
        ],
        "bd": [
            ("بكرة", TOMORROW),
            ("غدا", TOMORROW),
            ("الجمعة", NEXT_FRIDAY),
            ("٢٥/١٢", date(2026, 12, 25)),
            ("قريبا", HELP),
        ],
        "bt": [
            ("١٨:٣٠", time(18, 30)),
            ("18.30", time(18, 30)),
            ("الساعة 7", time(7)),
            ("مساء", HELP),
        ],
    },
    "fa_AF": {
        "or": [("تازه", "newcomer"), ("همراه", "buddy"), ("سلام", HELP)],
        "ok": [("بلی", True), ("نخیر", False), ("نه", False), ("شاید", HELP)],
        "od": [("A1", 1), ("۲", 2), ("C3", HELP)],
        "oi": [("ورزش", "sport"), ("آشپزی", "cooking"), ("موتر", HELP)],
        "oc": [("۹۱۰۰", "9100"), ("گنت", "9000"), ("ایپر", "8900"), ("نمیدانم", HELP)],
        "hh": [
            ("2 ساعت", 120),
            ("۹۰ دقیقه", 90),
            ("یک و نیم ساعت", 90),
            ("نیم ساعت", 30),
            ("زیاد", HELP),
        ],
        "hd": [("دیروز", YESTERDAY), ("امروز", TODAY), ("جمعه", LAST_FRIDAY), ("بعدا", HELP)],
        "bd": [("فردا", TOMORROW), ("جمعه", NEXT_FRIDAY), ("بعدا", HELP)],
        "bt": [("۱۸:۳۰", time(18, 30)), ("ساعت 7", time(7)), ("شب", HELP)],
    },
    "ps": {
        "or": [("نوی", "newcomer"), ("ملګری", "buddy"), ("سلام", HELP)],
        "ok": [("هو", True), ("نه", False), ("کېدای شي", HELP)],
        "od": [("B1", 3), ("۴", 4), ("C3", HELP)],
        "oi": [("ورزش", "sport"), ("پخلی", "cooking"), ("موټر", HELP)],
        "oc": [("۸۹۰۰", "8900"), ("گنت", "9000"), ("Гент", "9000"), ("نه پوهېږم", HELP)],
        "hh": [("دوه ساعته", 120), ("90 دقیقې", 90), ("نیم ساعت", 30), ("ډېر", HELP)],
        "hd": [("پرون", YESTERDAY), ("نن", TODAY), ("وروسته", HELP)],
        "bd": [("سبا", TOMORROW), ("جمعه", NEXT_FRIDAY), ("وروسته", HELP)],
        "bt": [("۱۸:۳۰", time(18, 30)), ("18.30", time(18, 30)), ("ماښام", HELP)],
    },
    "ti": {
        "or": [("መጺአ", "newcomer"), ("ወለንተኛ", "buddy"), ("ሰላም", HELP)],
        "ok": [("እወ", True), ("ኣይፋል", False), ("ምናልባት", HELP)],
        "od": [("A2", 2), ("2", 2), ("C3", HELP)],
        "oi": [("ስፖርት", "sport"), ("ተፈጥሮ", "nature"), ("መኪና", HELP)],
        "oc": [("iper", "8900"), ("Sinaai", "9112"), ("8900", "8900"), ("ኣይፈልጥን", HELP)],
        "hh": [("2 ሰዓት", 120), ("90 ደቒቕ", 90), ("ክልተ ሰዓት", 120), ("ፍርቂ ሰዓት", 30), ("ብዙሕ", HELP)],
        "hd": [("ትማሊ", YESTERDAY), ("ሎሚ", TODAY), ("ዓርቢ", LAST_FRIDAY), ("ድሒሩ", HELP)],
        "bd": [("ጽባሕ", TOMORROW), ("ዓርቢ", NEXT_FRIDAY), ("ድሒሩ", HELP)],
        "bt": [("18:30", time(18, 30)), ("18.30", time(18, 30)), ("ምሸት", HELP)],
    },
    "so": {
        "or": [("cusubahay", "newcomer"), ("saaxiib", "buddy"), ("salaan", HELP)],
        "ok": [("haa", True), ("maya", False), ("malaha", HELP)],
        "od": [("A1", 1), ("3", 3), ("C3", HELP)],
        "oi": [("isboorti", "sport"), ("karinta", "cooking"), ("baabuur", HELP)],
        "oc": [("gent", "9000"), ("St-Niklaas", "9100"), ("9100", "9100"), ("ma garanayo", HELP)],
        "hh": [
            ("2 saac", 120),
            ("90 daqiiqo", 90),
            ("laba saacadood", 120),
            ("saac iyo badh", 90),
            ("badan", HELP),
        ],
        "hd": [("shalay", YESTERDAY), ("maanta", TODAY), ("jimce", LAST_FRIDAY), ("dambe", HELP)],
        "bd": [("berri", TOMORROW), ("jimce", NEXT_FRIDAY), ("dambe", HELP)],
        "bt": [("18:30", time(18, 30)), ("saacadda 7", time(7)), ("fiid", HELP)],
    },
    "uk": {
        "or": [("нещодавно", "newcomer"), ("волонтер", "buddy"), ("я", HELP), ("привіт", HELP)],
        "ok": [("так", True), ("ні", False), ("можливо", HELP)],
        "od": [("A2", 2), ("3", 3), ("C3", HELP)],
        "oi": [
            ("спорт", "sport"),
            ("кулінарія", "cooking"),
            ("природа", "nature"),
            ("машини", HELP),
        ],
        "oc": [("Гент", "9000"), ("Антверпен", "2000"), ("Іпр", "8900"), ("не знаю", HELP)],
        "hh": [
            ("90 хв", 90),
            ("2 години", 120),
            ("півтори години", 90),
            ("дві години", 120),
            ("багато", HELP),
        ],
        "hd": [
            ("вчора", YESTERDAY),
            ("сьогодні", TODAY),
            ("п'ятниця", LAST_FRIDAY),
            ("колись", HELP),
        ],
        "bd": [("завтра", TOMORROW), ("у п'ятницю", NEXT_FRIDAY), ("колись", HELP)],
        "bt": [
            ("18.30 год", time(18, 30)),
            ("о 18:30", time(18, 30)),
            ("18 год", time(18)),
            ("ввечері", HELP),
        ],
    },
    "ru": {
        "or": [("недавно", "newcomer"), ("волонтер", "buddy"), ("привет", HELP)],
        "ok": [("да", True), ("нет", False), ("может быть", HELP)],
        "od": [("A1", 1), ("2", 2), ("C3", HELP)],
        "oi": [("спорт", "sport"), ("кулинария", "cooking"), ("машины", HELP)],
        "oc": [("Гент", "9000"), ("Брюссель", "1000"), ("Льеж", "4000"), ("не знаю", HELP)],
        "hh": [
            ("2 часа", 120),
            ("90 мин", 90),
            ("полтора часа", 90),
            ("полчаса", 30),
            ("много", HELP),
        ],
        "hd": [
            ("вчера", YESTERDAY),
            ("сегодня", TODAY),
            ("в пятницу", LAST_FRIDAY),
            ("потом", HELP),
        ],
        "bd": [("завтра", TOMORROW), ("в пятницу", NEXT_FRIDAY), ("потом", HELP)],
        "bt": [
            ("18:30", time(18, 30)),
            ("в 18 ч", time(18)),
            ("18 ч 30", time(18, 30)),
            ("вечером", HELP),
        ],
    },
    "tr": {
        "or": [("yeniyim", "newcomer"), ("gönüllü", "buddy"), ("merhaba", HELP)],
        "ok": [("evet", True), ("hayır", False), ("hayir", False), ("belki", HELP)],
        "od": [("A2", 2), ("1", 1), ("C3", HELP)],
        "oi": [("spor", "sport"), ("yemek", "cooking"), ("doğa", "nature"), ("araba", HELP)],
        "oc": [("Gent", "9000"), ("Antwerp", "2000"), ("Ieper", "8900"), ("bilmiyorum", HELP)],
        "hh": [
            ("2 saat", 120),
            ("90 dk", 90),
            ("bir buçuk saat", 90),
            ("yarım saat", 30),
            ("çok", HELP),
        ],
        "hd": [("dün", YESTERDAY), ("bugün", TODAY), ("cuma", LAST_FRIDAY), ("sonra", HELP)],
        "bd": [("yarın", TOMORROW), ("cuma", NEXT_FRIDAY), ("sonra", HELP)],
        "bt": [("18:30", time(18, 30)), ("saat 18", time(18)), ("akşam", HELP)],
    },
    "fr": {
        "or": [("je viens d'arriver", "newcomer"), ("volontaire", "buddy"), ("bonjour", HELP)],
        "ok": [("oui", True), ("non", False), ("peut-être", HELP)],
        "od": [("A2", 2), ("4", 4), ("C3", HELP)],
        "oi": [("cuisine", "cooking"), ("sport", "sport"), ("natur", "nature"), ("voitures", HELP)],
        "oc": [
            ("Gand", "9000"),
            ("Ypres", "8900"),
            ("St Niklaas", "9100"),
            ("je ne sais pas", HELP),
        ],
        "hh": [
            ("1h30", 90),
            ("2 heures", 120),
            ("90 minutes", 90),
            ("une heure et demie", 90),
            ("beaucoup", HELP),
        ],
        "hd": [
            ("hier", YESTERDAY),
            ("aujourd'hui", TODAY),
            ("vendredi", LAST_FRIDAY),
            ("bientôt", HELP),
        ],
        "bd": [("demain", TOMORROW), ("vendredi", NEXT_FRIDAY), ("bientôt", HELP)],
        "bt": [("18h30", time(18, 30)), ("18h", time(18)), ("ce soir", HELP)],
    },
    "nl": {
        "or": [("nieuw", "newcomer"), ("vrijwilliger", "buddy"), ("hallo", HELP)],
        "ok": [("ja", True), ("nee", False), ("misschien", HELP)],
        "od": [("A2", 2), ("B1", 3), ("C3", HELP)],
        "oi": [("koken", "cooking"), ("natuur", "nature"), ("auto's", HELP)],
        "oc": [
            ("St-Niklaas", "9100"),
            ("Sint Niklas", "9100"),
            ("Sinaai", "9112"),
            ("iper", "8900"),
            ("weet ik niet", HELP),
        ],
        "hh": [("anderhalf uur", 90), ("2 uur", 120), ("1u30", 90), ("90 min", 90), ("veel", HELP)],
        "hd": [
            ("gisteren", YESTERDAY),
            ("vandaag", TODAY),
            ("vrijdag", LAST_FRIDAY),
            ("ooit", HELP),
        ],
        "bd": [("morgen", TOMORROW), ("vrijdag", NEXT_FRIDAY), ("ooit", HELP)],
        "bt": [("18u30", time(18, 30)), ("18.30", time(18, 30)), ("straks", HELP)],
    },
}
