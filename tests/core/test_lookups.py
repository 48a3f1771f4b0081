"""``__any_of``: the same rows as ``__in``, with the list as one parameter on PostgreSQL."""

import pytest

from tiaki.screening.models import Traveller

pytestmark = pytest.mark.django_db


def _traveller(fingerprint: str) -> Traveller:
    return Traveller.objects.create(fingerprint=fingerprint, full_name=fingerprint)


def test_any_of_finds_what_in_finds() -> None:
    for fp in ("a" * 64, "b" * 64, "c" * 64):
        _traveller(fp)
    wanted = ["a" * 64, "c" * 64, "z" * 64]
    found = set(Traveller.objects.filter(fingerprint__any_of=wanted)
                .values_list("fingerprint", flat=True))
    assert found == set(Traveller.objects.filter(fingerprint__in=wanted)
                        .values_list("fingerprint", flat=True)) == {"a" * 64, "c" * 64}


def test_any_of_an_empty_list_finds_nothing() -> None:
    _traveller("a" * 64)
    assert not Traveller.objects.filter(fingerprint__any_of=[]).exists()
    assert Traveller.objects.exclude(fingerprint__any_of=[]).count() == 1
