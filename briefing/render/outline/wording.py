"""The reader's wording that is not a label: notes, sentences, table keys."""

_DETAIL_KEYS = {
    "en": {
        "tool": "Tool",
        "engine": "Engine",
        "model": "Model",
        "base_url": "Endpoint",
        "prompt": "Prompt",
        "tokenizer": "Tokenizer",
        "time": "Run time (UTC)",
        "input": "Input file",
    },
    "ar": {
        "tool": "الأداة",
        "engine": "المحرك",
        "model": "النموذج",
        "base_url": "نقطة الاتصال",
        "prompt": "التعليمات",
        "tokenizer": "عدّاد الرموز",
        "time": "وقت التشغيل",
        "input": "ملف إدخال",
    },
}
_RULES_ONLY = {
    "en": "The points were checked against their sources by rules only; not checked by the model.",
    "ar": "رُوجعت النقاط مقابل مصادرها بالقواعد فقط، ولم يراجعها النموذج.",
}
_MISSING = {
    "en": "English summaries need a language model (the offline engine quotes without "
    "translating): {n} below {verb} reported only in another language and {now} shown in "
    "that language.",
    "ar": "الملخصات العربية تحتاج إلى نموذج لغوي (فالمحرك الاستخراجي ينقل دون ترجمة): "
    "ورد {n} أدناه بلغة أخرى فقط، ويُعرض بتلك اللغة.",
}
_TRANSLATED_NOTE = {
    "en": "Headlines marked so were translated by the language model.",
    "ar": "العناوين المعلّمة بهذه العلامة ترجمها النموذج اللغوي.",
}
_SHORTENED = {
    "en": "To fit the model's input, some articles were sent in part: sentences that other "
    "articles repeat went first, then the ends of long articles. The share left out:",
    "ar": "لتتسع مدخلات النموذج أُرسلت بعض المقالات منقوصة: حُذفت أولاً الجمل التي تكررها "
    "مقالات أخرى ثم أواخر المقالات الطويلة. النسبة المحذوفة:",
}
_QUARANTINED = {
    "en": "These passages addressed an AI or gave it instructions; they were not sent to the "
    "model.",
    "ar": "خاطبت هذه المقاطع نظام ذكاء اصطناعي أو أعطته تعليمات، فلم تُرسل إلى النموذج.",
}
_UNNAMED = {"en": "{n} not named", "ar": "{n} غير مسمّاة"}
_NO_EVIDENCE = {
    "en": "No source sentence was found for it.",
    "ar": "لم يُعثر على جملة في المصادر تستند إليها.",
}
_VERDICTS = {
    "en": {
        "supported": "supported",
        "partly": "partly supported",
        "unsupported": "not supported",
        "contradicted": "contradicted by the sources",
    },
    "ar": {
        "supported": "مدعومة",
        "partly": "مدعومة جزئياً",
        "unsupported": "غير مدعومة",
        "contradicted": "تناقضها المصادر",
    },
}
