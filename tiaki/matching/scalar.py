"""The single-record path: normalisation, blocking keys and name comparison of ONE record in
plain Python. Field levels, weights and explanations are not repeated here: `score_candidates`
calls the batch engine's own rules (`fields`, `model`, `explain`) on short arrays.

`records.normalise` and `blocking.record_keys` are Polars queries written for chunks of 50,000
records; for the one record that the border API screens per request, Polars' fixed cost per
query (about 0.1 ms each, dozens of queries) is most of the time. The functions here apply the
same rules to Python scalars. They must give exactly what the Polars path gives: every rule
below mirrors one line of `records.normalise`, `names.prepare` or `blocking.record_keys` (the
phonetic key and the name-cleaning rules are not mirrored: both paths call `normalize`'s
`phonetic_key` and apply its rule table), and tests/matching/test_screener_equivalence.py
checks the two paths against each other on thousands of varied records. Change both together.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA

from tiaki.matching import blocking, engine, fields, lexicon, model, names, romanise
from tiaki.matching.normalize import ORDINAL, _translit_one, clean_person, phonetic_key
from tiaki.matching.records import country_code, date_parts_one
from tiaki.matching.stats import TokenStats

_NON_ASCII = re.compile(r"[^\x00-\x7F]")
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
_CJK_SPACE = re.compile(r"[\s\u00b7\u30fb]")

_LEET = str.maketrans("01345789", "oieastbg")
_ORDINAL = re.compile(ORDINAL)
_HAS_LETTER = re.compile(r"[a-z]")
_HAS_DIGIT = re.compile(r"[0-9]")
_INITIAL = re.compile(r"^[a-z]$")

_DIGIT = re.compile(r"\d")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")  # records.normalise's address words
_ALNUM_UPPER = re.compile(r"[^0-9A-Z]")
_NON_DIGIT = re.compile(r"\D")


def transliterate(value: str | None) -> str:
    """`normalize.transliterate` for one value (None becomes "")."""
    if value is None:
        return ""
    return _translit_one(value) if _NON_ASCII.search(value) else value


def name_tokens(raw: str | None) -> list[str]:
    """`normalize.name_tokens` for one person name."""
    return name_token_forms(raw)[0]


def name_token_forms(raw: str | None) -> tuple[list[str], list[str]]:
    """`normalize.name_token_forms` for one person name: folded and written tokens."""
    s = clean_person(transliterate(raw))
    out: list[str] = []
    written: list[str] = []
    for tok in s.split(" "):
        if tok == "":
            continue
        if _HAS_LETTER.search(tok) and _HAS_DIGIT.search(tok) and not _ORDINAL.match(tok):
            tok = tok.translate(_LEET)
        if tok in lexicon.TITLES:
            continue
        out.extend(romanise.fold(tok))
        written.extend(romanise.written(tok))
    return out, written


def _alnum_upper(value: str | None) -> str | None:
    if value is None:
        return None
    return _ALNUM_UPPER.sub("", value.upper()) or None


def _full_name(row: dict[str, str | None]) -> str | None:
    if row["full_name"] is not None:
        return row["full_name"]
    joined = f"{row['given_name'] or ''} {row['family_name'] or ''}".strip()
    return joined or None


def _name_part(row: dict[str, str | None]) -> str | None:
    """`records.name_part` for one record."""
    if row["full_name"] is not None:
        return None
    given, family = (bool((row[k] or "").strip()) for k in ("given_name", "family_name"))
    return "given" if given and not family else "family" if family and not given else None


def normalise(row: dict[str, str | None], stats: TokenStats) -> dict[str, Any]:
    """`records.normalise` for one validated record (a dict as `records.validate_record` makes).

    Returns the comparison columns (`engine._PAIR_COLUMNS`) as Python values.
    """
    raw = _full_name(row)
    tok, wt = name_token_forms(raw)
    pk = [phonetic_key(t) for t in tok]
    w = stats.record_bits(tok, pk)
    raw_filled = raw or ""
    cjk = _CJK_SPACE.sub("", raw_filled) if _CJK.search(raw_filled) else None
    y, m, d = date_parts_one(row["date_of_birth"])
    dob_text = _alnum_upper(row["date_of_birth"]) if y is None else None
    sex = (row["sex"] or "").upper()[:1]
    phone = _NON_DIGIT.sub("", row["phone"])[-9:] if row["phone"] is not None else None
    email = row["email"].lower().strip() if row["email"] is not None else None
    address = _NON_ALNUM.sub(" ", transliterate(row["address"]).lower()).strip()
    return {
        "id": row["id"],
        "name": raw,
        "part": _name_part(row),
        "tok": tok,
        "wt": wt,
        "pk": pk,
        "wpk": [k if w == t else phonetic_key(w) for t, w, k in zip(tok, wt, pk, strict=True)],
        "w": w,
        "compact": "".join(tok),
        "scompact": "".join(sorted(tok)),
        "rcompact": "".join(tok[-1:] + tok[:-1]),
        "cjk": cjk,
        "wcompact": "".join(wt),
        "wscompact": "".join(sorted(wt)),
        "wsum": float(sum(w)),
        "dob_y": y,
        "dob_m": m,
        "dob_d": d,
        "dob_text": dob_text,
        "sex": sex if sex in ("M", "F") else None,
        "nat": country_code(_alnum_upper(row["nationality"])),
        "doc": _alnum_upper(row["document_number"]),
        "doc_country": country_code(_alnum_upper(row["document_country"])),
        "phone": phone or None,
        "email": email,
        "address": address or None,
        "postcode": _alnum_upper(row["postcode"]),
    }


def record_keys(norm: dict[str, Any]) -> set[str]:
    """`blocking.record_keys` for one normalised record, as a set of keys."""
    keys: set[str] = set()
    y, m, d = norm["dob_y"], norm["dob_m"], norm["dob_d"]
    full_dob = m is not None and d is not None
    # Usable tokens, one per phonetic key (the first), in name order.
    toks: list[str] = []
    seen: set[str] = set()
    for t, k in zip(norm["tok"], norm["pk"], strict=True):
        if len(k) >= 2 and len(t) >= 2 and t not in lexicon.PARTICLES and k not in seen:
            seen.add(k)
            toks.append(k)
    postcode = norm["postcode"]
    for k in toks:
        keys.add(f"s:{k}")
        if y is not None:
            keys.add(f"y:{k}:{y}")
        if full_dob:
            keys.add(f"k:{k}:{y}-{m}-{d}")
        if postcode is not None:
            keys.add(f"c:{k}:{postcode}")
    if full_dob:
        for t in norm["tok"]:
            if t not in lexicon.PARTICLES:
                keys.add(f"b:{y}-{m}-{d}:{t[:1]}")
    if norm["address"] is not None:
        words = [w for w in norm["address"].split(" ") if len(w) >= 3 and not _DIGIT.search(w)]
        keys.update(f"a:{a} {b}" for a, b in itertools.pairwise(words))
    doc = norm["doc"]
    if doc is not None and len(doc) >= 5:
        keys.add("x:" + "".join(sorted(doc)))
    first = toks[: blocking.MAX_PAIR_TOKENS]
    keys.update(f"p:{a}|{b}" for a in first for b in first if a < b)
    for prefix, col in (("d:", "doc"), ("t:", "phone"), ("e:", "email")):
        if norm[col] is not None:
            keys.add(prefix + norm[col])
    email = norm["email"]
    if email is not None:
        user, at, domain = email.rpartition("@")
        if at and len(user) >= blocking.MIN_USER:
            keys.add(f"u:{user}")
        if at and domain:
            keys.add(f"o:{domain}")
    return keys


def _token_sim(lt: str, rt: str, lk: str, rk: str, lw: str, rw: str, lwk: str, rwk: str) -> float:
    """`names.token_similarities` for one token pair (`lw`/`rw`: the tokens as written,
    `lwk`/`rwk`: their phonetic keys)."""
    osa = OSA.normalized_similarity(lt, rt)
    if lw != lt or rw != rt:
        osa = max(osa, OSA.normalized_similarity(lw, rw))
    l1, r1 = len(lt) == 1, len(rt) == 1
    if l1 and r1:
        return osa
    if l1 or r1:
        return names.INITIAL_SIM if lt[:1] == rt[:1] else 0.0
    if (lk == rk and len(lk) >= 2) or (lwk == rwk and len(lwk) >= 2):
        return max(osa, names.PHONETIC_BASE + (1 - names.PHONETIC_BASE) * osa)
    return osa


def _assign(cand: list[tuple[int, int, float, bool]]) -> list[tuple[int, int, float, bool]]:
    """`names._assign` for one pair: rounds of mutual best partners, ties to the lowest
    positions. `cand` holds (i, i_r, sim, full) for every token pair."""
    cand = [c for c in cand if c[2] >= names.TOKEN_MATCH]
    done: list[tuple[int, int, float, bool]] = []
    for _ in range(names.MAX_ROUNDS):
        if not cand:
            break
        best_i: dict[int, float] = {}
        best_r: dict[int, float] = {}
        for i, j, sim, _full in cand:
            best_i[i] = max(best_i.get(i, sim), sim)
            best_r[j] = max(best_r.get(j, sim), sim)
        mutual = sorted(c for c in cand if c[2] == best_i[c[0]] and c[2] == best_r[c[1]])
        kept: list[tuple[int, int, float, bool]] = []
        seen_i: set[int] = set()
        for c in mutual:
            if c[0] not in seen_i:
                seen_i.add(c[0])
                kept.append(c)
        seen_r: set[int] = set()
        chosen = []
        for c in kept:
            if c[1] not in seen_r:
                seen_r.add(c[1])
                chosen.append(c)
        done.extend(chosen)
        used_i = {c[0] for c in chosen}
        used_r = {c[1] for c in chosen}
        cand = [c for c in cand if c[0] not in used_i and c[1] not in used_r]
    return done


def _evidence_factor(sim: float) -> float:
    return min(max((sim - 0.5) / 0.5, 0.0), 1.0)


def _side_totals(
    weights: list[float], matched: dict[int, tuple[float, bool]]
) -> tuple[float, float, float, float, int, bool]:
    m = b = wm = wu = 0.0
    nu = 0
    has_full = False
    for i, w in enumerate(weights):
        hit = matched.get(i)
        if hit is None:
            wu += w
            nu += 1
            continue
        sim, full = hit
        m += w * sim
        b += w * _evidence_factor(sim)
        wm += w
        has_full = has_full or full
    return m, b, wm, wu, nu, has_full


def _lineage_roles(tok: list[str]) -> tuple[list[bool], list[bool]]:
    """`names._side`'s father (right after "bin") and son (right before) flags."""
    lin = [t in names.LINEAGE_PARTICLES for t in tok]
    father = [i > 0 and lin[i - 1] for i in range(len(tok))]
    son = [i + 1 < len(tok) and lin[i + 1] for i in range(len(tok))]
    return father, son


def compare_names(q: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    """`names.compare` for one pair (query `q` on the left, reference `r` on the right)."""
    like = names.run_like_person
    lr = names.initials_runs(q["tok"], r["tok"]) if any(map(like, q["tok"])) else []
    rl = names.initials_runs(r["tok"], q["tok"]) if any(map(like, r["tok"])) else []
    runs = "; ".join(n for _, n in (*lr, *rl)) if lr or rl else ""
    if lr:
        q = {**q, **names.split_runs(q, lr)}
    if rl:
        r = {**r, **names.split_runs(r, rl)}
    # `names.join_split_words`: a word written as two on one side.
    lj = names.split_words(q, r) if len(q["tok"]) > 1 else []
    rj = names.split_words(r, q) if len(r["tok"]) > 1 else []
    if lj or rj:
        notes_j = [*names.split_notes(q, r, lj), *names.split_notes(r, q, rj)]
        runs = "; ".join(n for n in (runs, *notes_j) if n)
        q, r = (
            {**q, **names.join_split(q, r, lj)} if lj else q,
            {**r, **names.join_split(r, q, rj)} if rj else r,
        )
    lt, lk, lw, lwt, lwk = q["tok"], q["pk"], q["w"], q["wt"], q["wpk"]
    rt, rk, rw, rwt, rwk = r["tok"], r["pk"], r["w"], r["wt"], r["wpk"]
    cand = [
        (i, j, _token_sim(a, c, ka, kc, wa, wc, wka, wkc), len(a) > 1 and len(c) > 1)
        for i, (a, ka, wa, wka) in enumerate(zip(lt, lk, lwt, lwk, strict=True))
        for j, (c, kc, wc, wkc) in enumerate(zip(rt, rk, rwt, rwk, strict=True))
    ]
    # `names.token_similarities`' patronymic rule: two patronymics with one suffix are
    # compared on the parents' names, with no phonetic raise.
    ends = names.PATRONYMIC_SUFFIXES
    if any(t.endswith(ends) for t in lt) and any(t.endswith(ends) for t in rt):
        for n, (i, j, _sim, full) in enumerate(cand):
            patr = names.patronymic_sim(lt[i], rt[j], lwt[i], rwt[j])
            if patr is not None:
                cand[n] = (i, j, patr, full)
    # `names.token_similarities`' nickname rule, on the tokens as written.
    notes: dict[tuple[int, int], str] = {}
    listed = lexicon.nickname_set()
    if not listed.isdisjoint(lwt) and not listed.isdisjoint(rwt):
        for n, (i, j, sim, full) in enumerate(cand):
            wa, wc = lwt[i], rwt[j]
            if full and sim < names.NICKNAME_SIM and wa != wc:
                note = lexicon.nickname_note(wa, wc)
                if note is not None:
                    cand[n] = (i, j, names.NICKNAME_SIM, full)
                    notes[(i, j)] = note
    matched = _assign(cand)
    lf, ls = _lineage_roles(lt)
    rf, rs = _lineage_roles(rt)
    lineage = any(
        (lf[i] and not rf[j] and rs[j]) or (rf[j] and not lf[i] and ls[i]) for i, j, _, _ in matched
    )
    initials = sum(1 for c in matched if not c[3])
    by_i = sorted(matched)
    reordered = any(b[1] - a[1] < 0 for a, b in itertools.pairwise(by_i))
    m, b, wm, wu, nu, has_full_l = _side_totals(lw, {c[0]: (c[2], c[3]) for c in matched})
    m_r, b_r, wm_r, wu_r, nu_r, has_full_r = _side_totals(rw, {c[1]: (c[2], c[3]) for c in matched})
    # `names.compare`'s `hard`: two different initials left facing each other.
    hard = False
    if nu > 0 and nu_r > 0:
        hit_l = {c[0] for c in matched}
        hit_r = {c[1] for c in matched}
        hard = any(_INITIAL.match(t) for i, t in enumerate(lt) if i not in hit_l) and any(
            _INITIAL.match(t) for j, t in enumerate(rt) if j not in hit_r
        )
    compact_sim = max(
        OSA.normalized_similarity(q["compact"], r["compact"]),
        OSA.normalized_similarity(q["scompact"], r["scompact"]),
        OSA.normalized_similarity(q["rcompact"], r["compact"]),
        OSA.normalized_similarity(q["compact"], r["rcompact"]),
    )
    if q["wt"] != q["tok"] or r["wt"] != r["tok"]:  # else the written forms are the same
        compact_sim = max(
            compact_sim,
            OSA.normalized_similarity(q["wcompact"], r["wcompact"]),
            OSA.normalized_similarity(q["wscompact"], r["wscompact"]),
        )
    cjk_sim = (
        OSA.normalized_similarity(q["cjk"], r["cjk"])
        if q["cjk"] is not None and r["cjk"] is not None
        else None
    )
    conflict = nu > 0 and nu_r > 0
    wu_both = wu + wu_r
    if conflict:
        extra = max(wu_both, names.CONFLICT_MIN_BITS * min(nu, nu_r))
    else:
        extra = names.EXTRA_FACTOR * wu_both
    denom = wm + wm_r + extra
    aligned = (m + m_r) / denom if denom > 0 else 0.0
    has_full = has_full_l or has_full_r
    if not has_full:
        aligned = min(max(aligned, 0.0), names.INITIALS_ONLY_CAP)
    use_compact = (
        not lineage
        and not hard
        and compact_sim >= names.COMPACT_MIN
        and compact_sim > aligned + names.SIM_EPSILON
        and q["compact"] != ""
        and r["compact"] != ""
    )
    sim = compact_sim if use_compact else aligned
    if (conflict and not use_compact) or lineage or hard:
        sim = min(sim, names.CONFLICT_CAP)
    if cjk_sim is not None:
        sim = min(sim, cjk_sim)
    total_w = (wm + wu + wm_r + wu_r) / 2
    return {
        "name_sim": sim,
        "name_bits": _evidence_factor(compact_sim) * total_w if use_compact else (b + b_r) / 2,
        "conflicts": max(
            0 if use_compact or not conflict else min(nu, nu_r), int(lineage or hard)
        ),
        "extras": 0 if use_compact or conflict or lineage or hard else nu + nu_r,
        "initials_only": not has_full and not use_compact,
        "initials": 0 if use_compact else initials,
        "reordered": reordered and not use_compact,
        "joined": use_compact,
        "variant": ""
        if use_compact or not (runs or notes)
        else "; ".join(
            n
            for n in (
                runs,
                "; ".join(notes[c[0], c[1]] for c in sorted(matched) if (c[0], c[1]) in notes),
            )
            if n
        ),
    }


def score_candidates(
    query: dict[str, Any],
    refs: list[tuple[int, dict[str, Any]]],
    params: model.Params,
    threshold: float,
    prior: float,
) -> list[tuple[int, float, str]]:
    """`engine.score_candidates` for one query record: (reference row, score, explanation),
    best score first, ties by reference row. `refs` are the candidates' normalised rows.

    Field levels, weights and explanations are the batch engine's own functions
    (`fields.levels`, `model.Params.field_weights`, `engine.describe_rows`) on arrays as long
    as the list of candidates; only the inputs are gathered here."""
    if not refs:
        return []
    rows = [r for _, r in refs]
    x = fields.scalar_inputs(query, rows)
    lv = fields.levels(x)
    fixed = prior + np.sum(list(params.field_weights(lv).values()), axis=0)
    name_max = (query["wsum"] + np.array([r["wsum"] for r in rows])) / 2
    keep = np.flatnonzero(fixed + name_max >= model.logit_bits(threshold))
    if len(keep) == 0:
        return []
    nms = []
    for i in keep:
        nm = compare_names(query, rows[i])
        if not query["tok"] or not rows[i]["tok"]:
            nm["name_sim"] = None  # no name on one side: no name evidence
        elif engine.other_parts(query["part"], rows[i]["part"]) and nm["name_bits"] <= 0:
            nm["name_sim"] = None  # a given name against a family name: nothing to compare
        nms.append(nm)
    weight = fixed[keep] + model.name_weight(
        np.array([np.nan if nm["name_sim"] is None else nm["name_sim"] for nm in nms]),
        np.array([nm["name_bits"] for nm in nms], dtype=np.float64),
        np.array([nm["initials_only"] for nm in nms], dtype=bool),
        np.array([nm["conflicts"] for nm in nms], dtype=np.float64),
        np.array([nm["extras"] for nm in nms], dtype=np.float64),
    )
    scores = model.score(weight)
    ok = scores >= threshold
    if not ok.any():
        return []
    idx = keep[ok]
    why = engine.describe_rows(
        [query] * len(idx),
        [rows[i] for i in idx],
        {k: v[idx] for k, v in lv.items()},
        [nm for nm, good in zip(nms, ok, strict=True) if good],
        x.address[idx],
    )
    rounded = np.round(scores[ok], 4)
    out = [(refs[i][0], float(sc), e) for i, sc, e in zip(idx, rounded, why, strict=True)]
    return sorted(out, key=lambda o: (-o[1], o[0]))
