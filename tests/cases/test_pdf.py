"""The certificate PDF prints te reo Māori macron vowels (no "?" for ā, ē, ī, ō, ū)."""

from tiaki.cases.pdf import ENCODING, _escape


def test_macron_vowels_map_onto_the_custom_encoding() -> None:
    escaped = _escape("Hēnare Tāwhiri (Ōtaki)")
    assert "?" not in escaped
    assert escaped == "H\x83nare T\x81whiri \\(\x86taki\\)"
    assert "/Differences [128 /Amacron /amacron /Emacron /emacron" in ENCODING


def test_other_characters_outside_latin_1_are_replaced() -> None:
    assert _escape("Zoë 王") == "Zoë ?"
