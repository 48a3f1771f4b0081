"""Country-code normalisation to ISO 3166-1 alpha-3, as used in MRZs (ICAO Doc 9303 Part 3,
section 5) and in PAXLST NAT/LOC segments (UN/EDIFACT D.02B, code list 3207 / 3225)."""

from __future__ import annotations

from dataclasses import dataclass

from ._iso3166 import ALPHA2_TO_ALPHA3, ALPHA3, ICAO_EXTRA

__all__ = ["CountryCode", "normalise_country"]


@dataclass(frozen=True, slots=True)
class CountryCode:
    """A country code as given (``raw``) and, when recognised, its alpha-3 form."""

    raw: str
    alpha3: str | None
    reason: str | None = None  # why ``alpha3`` is None, or what was changed

    @property
    def best(self) -> str:
        """The alpha-3 code when known, else the cleaned input: never loses what was sent."""
        return self.alpha3 or self.raw.strip().upper()


def normalise_country(value: str | None) -> CountryCode | None:
    """Map an alpha-3, alpha-2 or ICAO Doc 9303 special code to alpha-3.

    Returns None for an empty value. Unknown codes are kept in ``raw`` with a reason rather than
    dropped: a border officer must still see what the carrier or applicant wrote.
    """
    if value is None:
        return None
    code = value.strip().upper().rstrip("<")  # MRZ fields pad with '<' ("D<<" = Germany)
    if not code:
        return None
    if code in ICAO_EXTRA:
        mapped = ICAO_EXTRA[code]
        note = None if mapped == code else f"ICAO Doc 9303 code {code!r} read as {mapped}"
        return CountryCode(value, mapped, note)
    if code in ALPHA3:
        return CountryCode(value, code)
    if code in ALPHA2_TO_ALPHA3:
        return CountryCode(value, ALPHA2_TO_ALPHA3[code], f"alpha-2 {code!r} converted")
    return CountryCode(value, None, f"{value.strip()!r} is not an ISO 3166-1 or ICAO country code")
