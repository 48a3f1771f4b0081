"""Name-aware romanisation for the scripts where a character-by-character transliteration
(anyascii) writes a name differently from how a passport does.

Each function takes text in its script and returns Latin text that `anyascii` and the rest of
`normalize` then treat like any other name; both the batch and the single-record path reach
them through `normalize._translit_one`, so there is one definition.

* Devanagari (Hindi, Marathi, Nepali): anyascii drops the inherent vowel, so नरेन्द्र comes out
  "nrendr" and विजय "vijy". Indian passports and the Government of India's own romanisation of
  names follow the Hunterian system (Survey of India; the Indian National Romanisation adopted
  by the UN Group of Experts on Geographical Names): the inherent "a" is written, except at the
  end of a word after a single consonant (Hindi schwa deletion: कुमार Kumar, विजय Vijay, but
  नरेन्द्र Narendra, कृष्ण Krishna), and the anusvara is "n" (गांधी Gandhi), "m" before p, b, m
  and "ng" before h (सिंह Singh).
* Greek: ELOT 743, which ICAO Doc 9303 part 3 adopts for Greek passports, writes the digraphs
  as one sound: ου = ou (Papadopoulos), αυ/ευ = av/ev before a vowel or voiced consonant and
  af/ef otherwise (Evangelos, Efstathios), μπ and ντ at the start of a word = b, d (Bakoyannis,
  Dokos), γγ = ng, γκ at the start = g. anyascii writes each letter: "Papadopoylos",
  "Eyaggelos", "Ntinos".
* Persian: written in Arabic script, but ض ذ ظ are "z" (رضا Reza, not "Rida"), و before a vowel
  letter is "v" (پهلوی Pahlavi), and a ه after p, k, s, t, d, g, c or z is its own "h", not the
  second letter of a digraph ("ph" of په is not "f"). A name is read as Persian when any of its
  words has a letter Arabic lacks (پ چ ژ گ, or the Persian ک and ی that Persian keyboards type).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# --- Devanagari -------------------------------------------------------------------------

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_VIRAMA, _NUKTA = "\u094d", "\u093c"
_ANUSVARA = {"\u0902": "n", "\u0901": "n"}  # anusvara, chandrabindu
_VISARGA = "\u0903"
# Hunterian consonants (Hindi values); nukta letters as Hindi writes loanwords (क़ q, ज़ z, फ़ f).
def _table(letters: str, latin: str) -> dict[str, str]:
    """Letters and their space-separated Latin values, one by one."""
    return dict(zip(letters, latin.split(" "), strict=True))


_CONS = _table(
    "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहळ",
    "k kh g gh n ch chh j jh n t th d dh n t th d dh n p ph b bh m y r l v sh sh s h l",
)
_NUKTA_CONS = {"क": "q", "ख": "kh", "ग": "gh", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y"}
_PRECOMPOSED_NUKTA = dict(zip("\u0958\u0959\u095a\u095b\u095c\u095d\u095e\u095f", "कखगजडढफय",
                              strict=True))  # fmt: skip
_VOWELS = _table("अआइईउऊऋएऐओऔऍऑ", "a a i i u u ri e ai o au e o")
_MATRAS = _table("\u093e\u093f\u0940\u0941\u0942\u0943\u0947\u0948\u094b\u094c\u0945\u0949",
                 "a i i u u ri e ai o au e o")
_LABIAL = ("p", "b", "m")


def _devanagari_word(word: str) -> str:
    chars = [_PRECOMPOSED_NUKTA.get(c, c) + (_NUKTA if c in _PRECOMPOSED_NUKTA else "")
             for c in word]  # fmt: skip
    chars = list("".join(chars))
    out: list[str] = []
    inherent_at: int | None = None  # index in `out` of the last inherent "a"
    conjunct_before = False  # the last consonant followed a virama (a cluster)
    after_virama = False
    syllables = 0
    i = 0
    while i < len(chars):
        c = chars[i]
        if c in _CONS:
            latin = _CONS[c]
            if i + 1 < len(chars) and chars[i + 1] == _NUKTA:
                latin = _NUKTA_CONS.get(c, latin)
                i += 1
            conjunct_before, after_virama = after_virama, False
            out.append(latin)
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if nxt == _VIRAMA:
                i += 2
                inherent_at = None
                after_virama = True
                continue
            syllables += 1
            if nxt in _MATRAS:
                out.append(_MATRAS[nxt])
                inherent_at = None
                i += 2
                continue
            out.append("a")
            inherent_at = len(out) - 1
        elif c in _VOWELS:
            out.append(_VOWELS[c])
            syllables += 1
            inherent_at = None
        elif c in _ANUSVARA:
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            after = _CONS.get(nxt, "")
            # Before h it is the velar nasal, written "ng" (सिंह Singh); before p, b, m "m".
            out.append("ng" if after == "h" else "m" if after.startswith(_LABIAL) else _ANUSVARA[c])
        elif c == _VISARGA:
            out.append("h")
        elif c not in (_VIRAMA, _NUKTA):
            out.append(anyascii(c))
        i += 1
    # Schwa deletion: a word's final inherent vowel is not said (or written) after a single
    # consonant in a word of two or more syllables.
    if inherent_at == len(out) - 1 and syllables > 1 and not conjunct_before:
        out.pop()
    return "".join(out)


def devanagari(text: str) -> str:
    return " ".join(_devanagari_word(w) if DEVANAGARI.search(w) else w for w in text.split())


# --- Greek ------------------------------------------------------------------------------

GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_GREEK_VOICELESS = "θκξπστφχψς"
_GREEK_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"ου"), "ou"),
    *((re.compile(rf"{g}υ(?=[{_GREEK_VOICELESS}]|$)"), f"{latin}f")
      for g, latin in (("α", "a"), ("ε", "e"), ("η", "i"))),
    *((re.compile(rf"{g}υ"), f"{latin}v") for g, latin in (("α", "a"), ("ε", "e"), ("η", "i"))),
    (re.compile(r"^μπ"), "b"),
    (re.compile(r"^ντ"), "d"),
    (re.compile(r"^γκ"), "g"),
    (re.compile(r"γ([γκξχ])"), r"n\1"),
]


def _greek_word(word: str) -> str:
    # Accents and the diaeresis carry no letters of their own in ELOT 743.
    w = "".join(c for c in unicodedata.normalize("NFD", word.lower())
                if not unicodedata.combining(c))  # fmt: skip
    for pattern, repl in _GREEK_RULES:
        w = pattern.sub(repl, w)
    return anyascii(w)


def greek(text: str) -> str:
    return " ".join(_greek_word(w) if GREEK.search(w) else w for w in text.split())


# --- Persian ----------------------------------------------------------------------------

PERSIAN_MARK = re.compile(r"[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_PERSIAN_Z = str.maketrans({"\u0636": "ز", "\u0630": "ز", "\u0638": "ز"})  # ض ذ ظ -> ز
_VAV_BEFORE_VOWEL = re.compile(r"(?<=\S)\u0648(?=[\u0627\u06cc\u064a])")  # و before ا or ی
_DIGRAPH_FIRST = tuple("pkstdgcz")


def persian(text: str) -> str:
    text = _VAV_BEFORE_VOWEL.sub("v", text.translate(_PERSIAN_Z))
    out: list[str] = []
    for ch in text:
        latin = anyascii(ch) if ord(ch) > 127 else ch
        if ch == "\u0647" and out and out[-1][-1:].lower() in _DIGRAPH_FIRST:
            latin = "a" + latin  # a short vowel, unwritten, parts "p" and "h" (Pahlavi)
        out.append(latin)
    return "".join(out)
