"""Common names of Arabic and English news in both scripts: countries, capitals and
cities, organisations and armed groups, and a few office-holders.

Not a stage: shared vocabulary. ``digest/facts.py`` uses it to check that a name an
English point states is in its Arabic evidence (and the reverse); grouping may use it to
join reports of one event across scripts. Compiled by hand for this project from the
names' standard Arabic press spellings (Al Jazeera, Al Arabiya, BBC Arabic, SANA usage)
and their English exonyms; each key is the English name, each value its other forms.
A name missing here is simply not checked across scripts: never flagged for it.
"""

from __future__ import annotations

import re

from .text import normalize

NAMES: dict[str, tuple[str, ...]] = {
    # countries
    "Syria": ("سوريا", "سورية", "Syrian", "السوري", "السورية"),
    "Iraq": ("العراق", "Iraqi", "العراقي", "العراقية"),
    "Iran": ("إيران", "ايران", "Iranian", "الإيراني", "الإيرانية"),
    "Turkey": ("تركيا", "Türkiye", "Turkish", "التركي", "التركية"),
    "Saudi Arabia": ("السعودية", "المملكة العربية السعودية", "Saudi", "السعودي"),
    "Egypt": ("مصر", "Egyptian", "المصري", "المصرية"),
    "Jordan": ("الأردن", "Jordanian", "الأردني", "الأردنية"),
    "Lebanon": ("لبنان", "Lebanese", "اللبناني", "اللبنانية"),
    "Israel": ("إسرائيل", "اسرائيل", "Israeli", "الإسرائيلي", "الإسرائيلية"),
    "Palestine": ("فلسطين", "Palestinian", "الفلسطيني", "الفلسطينية"),
    "Yemen": ("اليمن", "Yemeni", "اليمني", "اليمنية"),
    "Oman": ("عمان", "سلطنة عمان", "Omani", "العماني"),
    "Qatar": ("قطر", "Qatari", "القطري", "القطرية"),
    "Kuwait": ("الكويت", "Kuwaiti", "الكويتي", "الكويتية"),
    "Bahrain": ("البحرين", "Bahraini", "البحريني"),
    "United Arab Emirates": ("الإمارات", "UAE", "الإماراتي", "الإماراتية", "Emirati"),
    "Libya": ("ليبيا", "Libyan", "الليبي", "الليبية"),
    "Tunisia": ("تونس", "Tunisian", "التونسي", "التونسية"),
    "Algeria": ("الجزائر", "Algerian", "الجزائري", "الجزائرية"),
    "Morocco": ("المغرب", "Moroccan", "المغربي", "المغربية"),
    "Sudan": ("السودان", "Sudanese", "السوداني", "السودانية"),
    "South Sudan": ("جنوب السودان",),
    "Somalia": ("الصومال", "Somali", "الصومالي"),
    "Mauritania": ("موريتانيا", "Mauritanian", "الموريتاني"),
    "Afghanistan": ("أفغانستان", "Afghan", "الأفغاني"),
    "Pakistan": ("باكستان", "Pakistani", "الباكستاني"),
    "India": ("الهند", "Indian", "الهندي", "الهندية"),
    "China": ("الصين", "Chinese", "الصيني", "الصينية"),
    "Japan": ("اليابان", "Japanese", "الياباني", "اليابانية"),
    "North Korea": ("كوريا الشمالية", "Pyongyang", "بيونغ يانغ"),
    "South Korea": ("كوريا الجنوبية", "Seoul", "سيول"),
    "Russia": ("روسيا", "Russian", "الروسي", "الروسية"),
    "Ukraine": ("أوكرانيا", "Ukrainian", "الأوكراني", "الأوكرانية"),
    "United States": (
        "الولايات المتحدة",
        "US",
        "U.S.",
        "USA",
        "America",
        "American",
        "أمريكا",
        "أميركا",
        "الأمريكي",
        "الأمريكية",
        "الأميركي",
        "الأميركية",
    ),
    "United Kingdom": (
        "المملكة المتحدة",
        "Britain",
        "UK",
        "British",
        "بريطانيا",
        "البريطاني",
        "البريطانية",
    ),
    "France": ("فرنسا", "French", "الفرنسي", "الفرنسية"),
    "Germany": ("ألمانيا", "German", "الألماني", "الألمانية"),
    "Italy": ("إيطاليا", "Italian", "الإيطالي", "الإيطالية"),
    "Spain": ("إسبانيا", "اسبانيا", "Spanish", "الإسباني"),
    "Greece": ("اليونان", "Greek", "اليوناني"),
    "Cyprus": ("قبرص",),
    "Ethiopia": ("إثيوبيا", "Ethiopian", "الإثيوبي"),
    "Eritrea": ("إريتريا",),
    "Nigeria": ("نيجيريا",),
    "Brazil": ("البرازيل",),
    "Canada": ("كندا", "Canadian", "الكندي"),
    "Australia": ("أستراليا", "Australian"),
    "Venezuela": ("فنزويلا",),
    "Cuba": ("كوبا",),
    "Mexico": ("المكسيك",),
    "Indonesia": ("إندونيسيا",),
    "Malaysia": ("ماليزيا",),
    "Bangladesh": ("بنغلاديش",),
    "Myanmar": ("ميانمار", "بورما"),
    "Azerbaijan": ("أذربيجان",),
    "Armenia": ("أرمينيا",),
    "Georgia": ("جورجيا",),
    "Poland": ("بولندا",),
    "Netherlands": ("هولندا",),
    "Belgium": ("بلجيكا",),
    "Sweden": ("السويد",),
    "Norway": ("النرويج",),
    "Switzerland": ("سويسرا",),
    "Austria": ("النمسا",),
    "Vatican": ("الفاتيكان",),
    # capitals and cities
    "Damascus": ("دمشق",),
    "Aleppo": ("حلب",),
    "Homs": ("حمص",),
    "Idlib": ("إدلب", "ادلب"),
    "Raqqa": ("الرقة",),
    "Deir ez-Zor": ("دير الزور", "Deir ez-Zor", "Deir al-Zour"),
    "Afrin": ("عفرين",),
    "Ghouta": ("الغوطة", "Eastern Ghouta", "الغوطة الشرقية"),
    "Douma": ("دوما",),
    "Daraa": ("درعا",),
    "Hasakah": ("الحسكة",),
    "Qamishli": ("القامشلي",),
    "Latakia": ("اللاذقية",),
    "Baghdad": ("بغداد",),
    "Mosul": ("الموصل",),
    "Basra": ("البصرة",),
    "Erbil": ("أربيل", "اربيل"),
    "Kirkuk": ("كركوك",),
    "Tehran": ("طهران",),
    "Ankara": ("أنقرة", "انقرة"),
    "Istanbul": ("إسطنبول", "اسطنبول"),
    "Riyadh": ("الرياض",),
    "Jeddah": ("جدة",),
    "Mecca": ("مكة", "مكة المكرمة"),
    "Medina": ("المدينة المنورة",),
    "Cairo": ("القاهرة",),
    "Alexandria": ("الإسكندرية",),
    "Sinai": ("سيناء",),
    "Amman": ("عمّان",),
    "Beirut": ("بيروت",),
    "Jerusalem": ("القدس",),
    "Gaza": ("غزة", "قطاع غزة"),
    "West Bank": ("الضفة الغربية",),
    "Ramallah": ("رام الله",),
    "Tel Aviv": ("تل أبيب",),
    "Sanaa": ("صنعاء",),
    "Aden": ("عدن",),
    "Hodeidah": ("الحديدة",),
    "Doha": ("الدوحة",),
    "Abu Dhabi": ("أبوظبي", "أبو ظبي"),
    "Dubai": ("دبي",),
    "Manama": ("المنامة",),
    "Muscat": ("مسقط",),
    "Tripoli": ("طرابلس",),
    "Benghazi": ("بنغازي",),
    "Khartoum": ("الخرطوم",),
    "Darfur": ("دارفور",),
    "Rabat": ("الرباط",),
    "Casablanca": ("الدار البيضاء",),
    "Algiers": ("الجزائر العاصمة",),
    "Kabul": ("كابول",),
    "Moscow": ("موسكو",),
    "Kyiv": ("كييف", "Kiev"),
    "Washington": ("واشنطن",),
    "New York": ("نيويورك",),
    "London": ("لندن",),
    "Paris": ("باريس",),
    "Berlin": ("برلين",),
    "Brussels": ("بروكسل",),
    "Geneva": ("جنيف",),
    "Vienna": ("فيينا",),
    "Rome": ("روما",),
    "Beijing": ("بكين",),
    "Tokyo": ("طوكيو",),
    "Astana": ("أستانا", "استانا"),
    "Sochi": ("سوتشي",),
    # organisations and groups
    "United Nations": ("الأمم المتحدة", "UN", "U.N."),
    "Security Council": ("مجلس الأمن", "UN Security Council"),
    "European Union": ("الاتحاد الأوروبي", "EU"),
    "NATO": ("الناتو", "حلف شمال الأطلسي", "حلف الناتو"),
    "Arab League": ("جامعة الدول العربية", "الجامعة العربية"),
    "African Union": ("الاتحاد الأفريقي", "الاتحاد الإفريقي"),
    "Gulf Cooperation Council": ("مجلس التعاون الخليجي", "GCC"),
    "OPEC": ("أوبك",),
    "World Bank": ("البنك الدولي",),
    "IMF": ("صندوق النقد الدولي", "International Monetary Fund"),
    "World Health Organization": ("منظمة الصحة العالمية", "WHO"),
    "UNICEF": ("اليونيسف",),
    "Red Cross": ("الصليب الأحمر", "ICRC"),
    "Red Crescent": ("الهلال الأحمر",),
    "ISIS": ("داعش", "تنظيم الدولة", "الدولة الإسلامية", "ISIL", "IS", "Islamic State", "Daesh"),
    "Al-Qaeda": ("القاعدة", "al-Qaeda", "Al Qaeda"),
    "Hezbollah": ("حزب الله",),
    "Hamas": ("حماس",),
    "Fatah": ("فتح",),
    "Houthis": ("الحوثيين", "الحوثيون", "جماعة الحوثي", "Houthi", "Ansar Allah", "أنصار الله"),
    "Taliban": ("طالبان",),
    "Muslim Brotherhood": ("الإخوان المسلمين", "جماعة الإخوان", "الإخوان"),
    "SDF": ("قسد", "قوات سوريا الديمقراطية", "Syrian Democratic Forces"),
    "Kurds": ("الأكراد", "Kurdish", "الكردية", "الكردي"),
    "Pentagon": ("البنتاغون",),
    "White House": ("البيت الأبيض",),
    "Kremlin": ("الكرملين",),
    "Global Coalition": (
        "التحالف الدولي",
        "Global Coalition to Defeat ISIS",
        "international coalition",
        "US-led coalition",
    ),
    # office-holders often in the news
    "Donald Trump": ("ترامب", "دونالد ترامب", "Trump"),
    "Joe Biden": ("بايدن", "جو بايدن", "Biden"),
    "Vladimir Putin": ("بوتين", "فلاديمير بوتين", "Putin"),
    "Recep Tayyip Erdogan": ("أردوغان", "رجب طيب أردوغان", "Erdogan", "Erdoğan"),
    "Bashar al-Assad": ("الأسد", "بشار الأسد", "Assad"),
    "Benjamin Netanyahu": ("نتنياهو", "بنيامين نتنياهو", "Netanyahu"),
    "Emmanuel Macron": ("ماكرون", "إيمانويل ماكرون", "Macron"),
    "Ahmed al-Sharaa": ("الشرع", "أحمد الشرع", "al-Sharaa", "Sharaa"),
    "Asaad al-Shaibani": (
        "الشيباني",
        "أسعد حسن الشيباني",
        "أسعد الشيباني",
        "al-Shaibani",
        "Shaibani",
        "Asaad Hassan al-Shaibani",
    ),
    "Tom Barrack": ("باراك", "توماس باراك", "توم باراك", "Thomas Barrack", "Barrack"),
    "Mohammed bin Salman": ("محمد بن سلمان", "ولي العهد السعودي"),
    "Abdel Fattah al-Sisi": ("السيسي", "عبد الفتاح السيسي", "Sisi", "el-Sisi"),
    "Ali Khamenei": ("خامنئي", "علي خامنئي", "Khamenei"),
    "Antonio Guterres": ("غوتيريش", "أنطونيو غوتيريش", "Guterres"),
}


def _name_index() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """Every form of every name of the table -> the name's key: folded forms, and the
    all-capital Latin forms ("US", "UN"), which match only as written; and which folded
    forms are adjectives ("Syrian", «السوري»), which a translation adds or drops."""
    folded: dict[str, str] = {}
    exact: dict[str, str] = {}
    adjectives: set[str] = set()
    for key, forms in NAMES.items():
        arabic = [f for f in forms if re.search("[\u0600-\u06ff]", f)]
        for form in (key, *forms):
            if re.fullmatch(r"[A-Z.]{2,}", form):
                exact[form] = key
                continue
            variants = [normalize(form)]
            if form.startswith("ال"):  # «للتحالف الدولي»: li- over the article
                variants.append("لل" + normalize(form)[2:])
            adjective = (
                form != key
                and " " not in form
                and (
                    (form in arabic and form != arabic[0] and form.endswith(("ي", "ية")))
                    or re.search(r"(?:ian|ish|ese|i|an|ic)$", form) is not None
                )
            )
            for variant in variants:
                folded[variant] = key
                if adjective:
                    adjectives.add(variant)
    return folded, exact, frozenset(adjectives)


_INDEX, _EXACT, _ADJECTIVES = _name_index()


def _alternation(forms: list[str]) -> str:
    """A pattern matching any of ``forms``, longest first, as a trie: Python's ``re``
    tries the branches of a flat alternation one by one at every position, and with
    hundreds of names that is most of the time spent looking for them."""
    trie: dict = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = (body if len(branches) > 1 else "(?:" + body + ")") + "?"
        return body

    return pattern(trie)


INDEX_PATTERN = re.compile(
    r"(?<![\w])(?:[وبلف]|وب|ول)?(" + _alternation(list(_INDEX)) + r")(?![\w])"
)
EXACT_PATTERN = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(f) for f in sorted(_EXACT, key=len, reverse=True))
    + r")(?![\w])"
)


def known_names(text: str, nouns_only: bool = False) -> set[str]:
    """Keys of the names of ``briefing.names`` that ``text`` states, in either script
    (with ``nouns_only``, not counting adjectives such as "Syrian" or «السوري»)."""
    found = {
        _INDEX[m.group(1)]
        for m in INDEX_PATTERN.finditer(normalize(text))
        if not (nouns_only and m.group(1) in _ADJECTIVES)
    }
    for m in EXACT_PATTERN.finditer(text):
        longer = INDEX_PATTERN.match(normalize(text[m.start() :]))
        if not longer:  # "UN" alone, not the start of "UN Security Council"
            found.add(_EXACT[m.group(1)])
    return found


# Consonant skeletons, to find a Latin-script name in Arabic text: "Barrack" and «باراك»
# both give BRK, "al-Shaibani" and «الشيباني» SBN. Vowels, alef, waw, ya and ain are
# dropped; letters that transliterate alike share a class; doubled classes collapse.
_AR_SKELETON = str.maketrans(
    {
        "ب": "B", "ت": "T", "ث": "T", "ط": "T", "د": "D", "ذ": "D", "ض": "D", "ظ": "D",
        "ز": "Z", "س": "S", "ص": "S", "ش": "S", "ج": "J", "غ": "J", "ك": "K", "ق": "K",
        "خ": "K", "ح": "H", "ه": "H", "ف": "F", "ل": "L", "م": "M", "ن": "N", "ر": "R",
        "ا": None, "و": None, "ي": None, "ع": None, "ء": None, "ى": None, "ة": None,
        "أ": None, "إ": None, "آ": None, "ؤ": None, "ئ": None,
    }
)  # fmt: skip
_LATIN_DIGRAPHS = (("sh", "S"), ("ch", "K"), ("kh", "K"), ("gh", "J"), ("th", "T"),
                   ("dh", "D"), ("ph", "F"), ("ou", ""))  # fmt: skip
_LATIN_SKELETON = str.maketrans(
    {
        "b": "B", "p": "B", "t": "T", "d": "D", "z": "Z", "s": "S", "x": "KS", "j": "J",
        "g": "J", "k": "K", "q": "K", "c": "K", "h": "H", "f": "F", "v": "F", "l": "L",
        "m": "M", "n": "N", "r": "R", "a": None, "e": None, "i": None, "o": None, "u": None,
        "y": None, "w": None, "'": None, "’": None,
    }
)  # fmt: skip


def _collapse(skeleton: str) -> str:
    """H goes (it is as often silent as written: "Johnson" «جونسون»), S and Z are one
    class, and doubled classes collapse."""
    return re.sub(r"(.)\1+", r"\1", skeleton.replace("H", "").replace("Z", "S"))


def skeleton(word: str) -> str:
    """A word's consonant skeleton, from either script (see above)."""
    if re.match("[\u0600-\u06ff]", word):
        for prefix in ("وال", "بال", "لل", "ال"):
            if word.startswith(prefix) and len(word) > len(prefix) + 2:
                word = word[len(prefix) :]
                break
        return _collapse(word.translate(_AR_SKELETON))
    word = word.casefold()
    for prefix in ("al-", "el-", "al", "el"):
        if word.startswith(prefix) and len(word) > len(prefix) + 3:
            word = word[len(prefix) :]
            break
    for digraph, letter in _LATIN_DIGRAPHS:
        word = word.replace(digraph, letter.lower())
    return _collapse(word.translate(_LATIN_SKELETON))
