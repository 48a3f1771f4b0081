"""Entity resolution over intelligence entities with the shared matching engine.

Candidates come from ``tiaki.matching.dedupe`` (its public interface; its accuracy is
improved there, not here), each with the engine's explanation. Analysts' judgements are an
append-only ledger (``Judgement``): who, when, why, never overwritten. Clusters are computed
from it each time:

- a pair's standing judgement is its latest one that has not been undone (an undo is its own
  row pointing at the judgement it undoes, so undoing a merge takes back that merge alone
  and every later judgement stands — unlike nomenklatura's all-or-nothing "explode");
- clusters are the connected components of standing "same" judgements;
- a standing "not the same" stops the pair (and any two clusters it separates) from being
  suggested again;
- a record that scores high against two clusters judged apart is flagged, because at
  most one of those matches can be right.

Everything is read through the caveat policy: an entity the analyst cannot see is neither
a candidate nor a member of a cluster they are shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tiaki import matching
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, get_visible, visible
from tiaki.intelligence.models import Entity, Judgement
from tiaki.intelligence.policies import WRITE_ROLES

# Kinds of entity the engine compares (it matches people and named parties).
RESOLVABLE = ("Person", "Organization", "Company")
DEFAULT_THRESHOLD = 0.8
# Above this a record "scores high" against a cluster (for the judged-apart warning).
HIGH = 0.9

Verdict = Judgement.Verdict


def _first(props: dict[str, list[str]], *names: str) -> str:
    for name in names:
        values = props.get(name) or []
        if values:
            return str(values[0])
    return ""


def as_record(entity: Entity) -> dict[str, str]:
    """The engine's record fields (``tiaki.matching.FIELDS``) from FtM properties."""
    props = entity.properties
    return {"id": entity.ftm_id, "full_name": _first(props, "name"),
            "given_name": _first(props, "firstName"),
            "family_name": _first(props, "lastName"),
            "date_of_birth": _first(props, "birthDate", "incorporationDate"),
            "nationality": _first(props, "nationality", "country", "jurisdiction"),
            "phone": _first(props, "phone"), "email": _first(props, "email"),
            "address": _first(props, "address")}


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


@dataclass
class Ledger:
    """The standing judgement of each pair, from the append-only rows."""

    standing: dict[tuple[int, int], Judgement] = field(default_factory=dict)

    @classmethod
    def read(cls, judgements: Iterable[Judgement]) -> Ledger:
        rows = sorted(judgements, key=lambda j: (j.at, j.pk))
        undone = {j.undoes_id for j in rows if j.verdict == Verdict.UNDO}
        ledger = cls()
        for row in rows:
            if row.verdict == Verdict.UNDO or row.pk in undone:
                continue
            ledger.standing[_pair(row.left_id, row.right_id)] = row
        return ledger

    def verdict(self, a: int, b: int) -> str | None:
        row = self.standing.get(_pair(a, b))
        return row.verdict if row else None

    def clusters(self) -> dict[int, int]:
        """Entity pk → its cluster's root (the smallest pk in it), for entities in a merge."""
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for (a, b), row in self.standing.items():
            if row.verdict == Verdict.SAME:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        return {x: find(x) for x in list(parent)}

    def apart(self, roots: dict[int, int]) -> set[tuple[int, int]]:
        """Pairs of cluster roots with a standing "not the same" between them."""
        out = set()
        for (a, b), row in self.standing.items():
            if row.verdict == Verdict.NOT_SAME:
                out.add(_pair(roots.get(a, a), roots.get(b, b)))
        return out


def ledger_for(user: Any) -> Ledger:
    return Ledger.read(visible(user, Judgement))


def clusters_for(user: Any) -> list[list[Entity]]:
    """Merged clusters the user may see (two or more visible entities)."""
    roots = ledger_for(user).clusters()
    groups: dict[int, list[int]] = defaultdict(list)
    for pk, root in roots.items():
        groups[root].append(pk)
    entities = {e.pk: e for e in visible(user, Entity).filter(pk__in=list(roots))}
    out = []
    for members in groups.values():
        seen = [entities[pk] for pk in sorted(members) if pk in entities]
        if len(seen) > 1:
            out.append(seen)
    return out


@dataclass(frozen=True)
class Candidate:
    left: Entity
    right: Entity
    score: float
    explanation: str
    warning: str = ""


def candidates(user: Any, *, threshold: float = DEFAULT_THRESHOLD,
               entity: Entity | None = None) -> list[Candidate]:
    """Pairs the engine scores at or above ``threshold`` that no standing judgement has
    settled, best first; only ``entity``'s pairs when given."""
    pool = list(visible(user, Entity).filter(schema__in=RESOLVABLE).select_related("report"))
    if len(pool) < 2:
        return []
    by_id = {e.ftm_id: e for e in pool}
    frame = matching.dedupe([as_record(e) for e in pool], threshold=min(threshold, HIGH))
    ledger = ledger_for(user)
    roots = ledger.clusters()
    apart = ledger.apart(roots)

    def root(e: Entity) -> int:
        return roots.get(e.pk, e.pk)

    scored = []
    high: dict[int, set[int]] = defaultdict(set)  # entity pk -> roots it scores high against
    for row in frame.iter_rows(named=True):
        left, right = by_id[row["left_id"]], by_id[row["right_id"]]
        score = float(row["score"])
        if score >= HIGH:
            high[left.pk].add(root(right))
            high[right.pk].add(root(left))
        scored.append((left, right, score, str(row["explanation"])))
    out = []
    for left, right, score, explanation in scored:
        if score < threshold or root(left) == root(right):
            continue
        if ledger.verdict(left.pk, right.pk) == Verdict.NOT_SAME:
            continue
        if _pair(root(left), root(right)) in apart:
            continue
        if entity is not None and entity.pk not in (left.pk, right.pk):
            continue
        warning = ""
        for record in (left, right):
            against = sorted(high[record.pk] - {root(record)})
            clash = [(a, b) for i, a in enumerate(against) for b in against[i + 1:]
                     if _pair(a, b) in apart]
            if clash:
                warning = (f"{record.caption} scores high against two clusters that were "
                           "judged not the same: at most one of these matches is right")
        out.append(Candidate(left, right, score, explanation, warning))
    out.sort(key=lambda c: -c.score)
    return out


def judgement_record(*, actor: Any, left: Entity, right: Entity, verdict: str, reason: str,
                     score: float | None = None) -> Judgement:
    """Append an analyst's judgement on a pair (both must be visible to them)."""
    if not actor.has_role(*WRITE_ROLES):
        raise Refused(_("only intelligence analysts judge whether entities are the same"))
    if verdict not in (Verdict.SAME, Verdict.NOT_SAME, Verdict.UNSURE):
        raise Refused(_("unknown judgement %(verdict)s") % {"verdict": repr(verdict)})
    if not reason.strip():
        raise Refused(_("say why: the reason is kept with the judgement"))
    left = get_visible(actor, Entity, pk=left.pk)
    right = get_visible(actor, Entity, pk=right.pk)
    if left.pk == right.pk:
        raise Refused(_("an entity is always the same as itself"))
    with transaction.atomic():
        row = Judgement.objects.create(left=left, right=right, verdict=verdict,
                                       reason=reason.strip(), score=score, actor=actor)
        audit_record(actor=actor, action=Action.CREATE, obj=row,
                     summary=f"Judged {left.ftm_id} and {right.ftm_id}: {verdict}",
                     changes={"verdict": verdict, "score": score}, reason=reason.strip())
    return row


def judgement_undo(*, actor: Any, judgement: Judgement, reason: str) -> Judgement:
    """Undo one judgement (typically a merge) on its own; later judgements stand."""
    if not actor.has_role(*WRITE_ROLES):
        raise Refused(_("only intelligence analysts undo judgements"))
    judgement = get_visible(actor, Judgement, pk=judgement.pk)
    if judgement.verdict == Verdict.UNDO:
        raise Refused(_("an undo cannot itself be undone; record a new judgement instead"))
    if Judgement.objects.filter(undoes=judgement).exists():
        raise Refused(_("this judgement has already been undone"))
    if not reason.strip():
        raise Refused(_("say why the judgement is undone"))
    with transaction.atomic():
        row = Judgement.objects.create(left_id=judgement.left_id, right_id=judgement.right_id,
                                       verdict=Verdict.UNDO, undoes=judgement,
                                       reason=reason.strip(), actor=actor)
        audit_record(actor=actor, action=Action.CREATE, obj=row,
                     summary=f"Undid judgement {judgement.pk} ({judgement.verdict})",
                     changes={"undoes": judgement.pk}, reason=reason.strip())
    return row
