"""The single-record path: normalisation and blocking keys of ONE record in plain Python.

`records.normalise` and `blocking.record_keys` are Polars queries written for chunks of 50,000
records; for the one record that the border API screens per request, Polars' fixed cost per
query (about 0.1 ms each, dozens of queries) is most of the time. The functions here apply the
same rules to Python scalars. They must give exactly what the Polars path gives: every rule
below mirrors one line of `records.normalise`, `normalize.name_tokens`, `normalize.phonetic_expr`,
`names.prepare` or `blocking.record_keys`, and tests/matching/test_screener_equivalence.py
checks the two paths against each other on thousands of varied records. Change both together.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import lru_cache
from typing import Any

import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from tiaki.matching import blocking, explain, fields, lexicon, model, names
from tiaki.matching.normalize import _translit_one
from tiaki.matching.stats import TokenStats

_NON_ASCII = re.compile(r"[^\x00-\x7F]")
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
_CJK_SPACE = re.compile(r"[\s\u00b7\u30fb]")

# normalize._clean (kind="person")
_APOS = re.compile(r"['`\u2019\u02bb\u02bc]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ABD_SPACED = re.compile(r"\babd (?:al|el|ul|ol|ar|ur|as|us|an) ")
_ABD_WORD = re.compile(r"\babd(?:al|el|ol|oul)\b")
_ABD_JOINED = re.compile(r"\babd(?:ul|el|al|ol)([a-km-z][a-z]{2,})\b")
_LEET = str.maketrans("01345789", "oieastbg")
_HAS_LETTER = re.compile(r"[a-z]")
_HAS_DIGIT = re.compile(r"[0-9]")

# normalize.phonetic_expr, in the same order.
_PHONETIC_STEPS: list[tuple[re.Pattern[str], str]] = [
    (re.compile("ph"), "f"),
    (re.compile("dzh|dj|dz"), "j"),
    (re.compile("tsch|sch|tch|sh|ch|zh|cz|sz|ts|tz|ks|x|z"), "s"),
    (re.compile("kh"), "h"),
    (re.compile("gh"), "g"),
    (re.compile("th"), "t"),
    (re.compile("dh"), "d"),
    (re.compile("ck"), "k"),
    (re.compile("c([eiy])"), r"s\1"),
    (re.compile("[cqg]"), "k"),
    (re.compile("p"), "b"),
]
_LEADING_W = re.compile(r"^w")
_VOWEL_J = re.compile("([aeiouy])j")
_LEADING_VOWEL = re.compile(r"^[aeiouwy]")
_VOWELS = re.compile("[aeiouwy]")
_DOUBLE = re.compile(r"([a-z])\1")
_FINAL_H = re.compile(r"^(.{2,})h$")
_DIGIT = re.compile(r"\d")

_ALNUM_UPPER = re.compile(r"[^0-9A-Z]")
_NON_DIGIT = re.compile(r"\D")


def transliterate(value: str | None) -> str:
    """`normalize.transliterate` for one value (None becomes "")."""
    if value is None:
        return ""
    return _translit_one(value) if _NON_ASCII.search(value) else value


def name_tokens(raw: str | None) -> list[str]:
    """`normalize.name_tokens` for one person name."""
    s = transliterate(raw).lower()
    s = _APOS.sub("", s).replace("&", " and ")
    s = _NON_ALNUM.sub(" ", s).strip()
    s = _ABD_SPACED.sub("abdul ", s)
    s = _ABD_WORD.sub("abdul", s)
    s = _ABD_JOINED.sub(r"abdul \1", s)
    out = []
    for tok in s.split(" "):
        if tok == "":
            continue
        if _HAS_LETTER.search(tok) and _HAS_DIGIT.search(tok):
            tok = tok.translate(_LEET)
        if tok in lexicon.TITLES:
            continue
        out.append(lexicon.PARTICLE_CANON.get(tok, tok))
    return out


def _skeleton(tok: str) -> str:
    t = tok
    for pattern, repl in _PHONETIC_STEPS:
        t = pattern.sub(repl, t)
    t = _LEADING_W.sub("v", t, count=1)
    t = _VOWEL_J.sub(r"\1y", t)
    t = _LEADING_VOWEL.sub("A", t, count=1)
    t = _VOWELS.sub("", t).lower()
    t = _DOUBLE.sub(r"\1", _DOUBLE.sub(r"\1", t))
    return _FINAL_H.sub(r"\1", t, count=1)


@lru_cache(maxsize=65_536)
def phonetic_key(tok: str) -> str:
    """`normalize.phonetic_keys` for one token (names repeat, hence the cache)."""
    key = _skeleton(tok)
    return tok if _DIGIT.search(tok) or len(key) < 2 else key


def _alnum_upper(value: str | None) -> str | None:
    if value is None:
        return None
    return _ALNUM_UPPER.sub("", value.upper()) or None


def _full_name(row: dict[str, str | None]) -> str | None:
    if row["full_name"] is not None:
        return row["full_name"]
    joined = f"{row['given_name'] or ''} {row['family_name'] or ''}".strip()
    return joined or None


def _int_part(parts: list[str], i: int) -> int | None:
    return int(parts[i]) if len(parts) > i else None


def normalise(row: dict[str, str | None], stats: TokenStats) -> dict[str, Any]:
    """`records.normalise` for one validated record (a dict as `records.validate_record` makes).

    Returns the comparison columns (`engine._PAIR_COLUMNS`) as Python values.
    """
    raw = _full_name(row)
    tok = name_tokens(raw)
    pk = [phonetic_key(t) for t in tok]
    w = [stats.token_bits(t, k) for t, k in zip(tok, pk, strict=True)]
    raw_filled = raw or ""
    cjk = _CJK_SPACE.sub("", raw_filled) if _CJK.search(raw_filled) else None
    dob = row["date_of_birth"]
    parts = dob.split("-") if dob is not None else []
    sex = (row["sex"] or "").upper()[:1]
    phone = _NON_DIGIT.sub("", row["phone"])[-9:] if row["phone"] is not None else None
    email = row["email"].lower().strip() if row["email"] is not None else None
    address = _NON_ALNUM.sub(" ", transliterate(row["address"]).lower()).strip()
    return {
        "id": row["id"],
        "name": raw,
        "tok": tok,
        "pk": pk,
        "w": w,
        "compact": "".join(tok),
        "scompact": "".join(sorted(tok)),
        "cjk": cjk,
        "wsum": float(sum(w)),
        "dob_y": _int_part(parts, 0),
        "dob_m": _int_part(parts, 1) or None,
        "dob_d": _int_part(parts, 2) or None,
        "sex": sex if sex in ("M", "F") else None,
        "nat": _alnum_upper(row["nationality"]),
        "doc": _alnum_upper(row["document_number"]),
        "doc_country": _alnum_upper(row["document_country"]),
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
    return keys


# --- Scoring: `engine.score_candidates` for one query record and its few candidates. ---


def _same_or_differs(a: Any, b: Any) -> str | None:
    if a is None or b is None:
        return None
    return fields.SAME if a == b else fields.DIFFERS


def _dob8(row: dict[str, Any]) -> str | None:
    y, m, d = row["dob_y"], row["dob_m"], row["dob_d"]
    if y is None or m is None or d is None:
        return None
    return f"{y}{str(m).zfill(2)}{str(d).zfill(2)}"


def _dob(q: dict[str, Any], r: dict[str, Any]) -> str | None:
    """`fields._dob` for one pair."""
    if q["dob_y"] is None or r["dob_y"] is None:
        return None
    lm, ld, rm, rd = q["dob_m"], q["dob_d"], r["dob_m"], r["dob_d"]
    full = lm is not None and ld is not None and rm is not None and rd is not None
    y_eq = q["dob_y"] == r["dob_y"]
    m_ok = lm is None or rm is None or lm == rm
    d_ok = ld is None or rd is None or ld == rd
    if full and y_eq and m_ok and d_ok:
        return fields.EXACT
    if full and y_eq and lm == rd and ld == rm:
        return fields.SWAPPED
    if full and OSA.distance(_dob8(q) or "", _dob8(r) or "") == 1:
        return fields.ONE_DIGIT
    if not full and y_eq and m_ok and d_ok:
        return fields.PARTIAL
    return fields.DIFFERS


def _dob_precision(q: dict[str, Any], r: dict[str, Any]) -> int:
    m = q["dob_m"] is not None and r["dob_m"] is not None
    d = q["dob_d"] is not None and r["dob_d"] is not None
    return 3 if m and d else 2 if m else 1


def _document(q: dict[str, Any], r: dict[str, Any]) -> str | None:
    """`fields._document` for one pair."""
    if q["doc"] is None or r["doc"] is None:
        return None
    qc, rc = q["doc_country"], r["doc_country"]
    if qc is not None and rc is not None and qc != rc:
        return fields.DIFFERS
    dist = OSA.distance(q["doc"], r["doc"])
    if dist == 0:
        return fields.SAME
    if dist == 1 and len(q["doc"]) >= 6:
        return fields.CLOSE
    return fields.DIFFERS


def compare_fields(q: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    """`fields.compare_fields` for one pair (query `q`, reference `r`)."""
    both_addr = q["address"] is not None and r["address"] is not None
    return {
        "dob": _dob(q, r),
        "dob_prec": _dob_precision(q, r),
        "sex": _same_or_differs(q["sex"], r["sex"]),
        "nat": _same_or_differs(q["nat"], r["nat"]),
        "doc": _document(q, r),
        "phone": _same_or_differs(q["phone"], r["phone"]),
        "email": _same_or_differs(q["email"], r["email"]),
        "address": fuzz.token_sort_ratio(q["address"], r["address"]) / 100.0 if both_addr else None,
        "postcode": _same_or_differs(q["postcode"], r["postcode"]),
    }


def _log2(x: float) -> float:
    return math.log2(x)


def field_weights(lv: dict[str, Any], nat_u: float) -> list[float]:
    """`model.field_weights` for one pair, in the same order (dob, sex, nat, doc, phone, email,
    address, postcode)."""
    dob = lv["dob"]
    if dob is None:
        w_dob = 0.0
    elif dob == fields.DIFFERS:
        w_dob = model.DOB_DIFFERS
    elif dob == fields.ONE_DIGIT:
        w_dob = _log2(model.DOB_M.get(dob, 0.05) / model.DOB_ONE_DIGIT_U)
    else:
        w_dob = _log2(model.DOB_M.get(dob, 0.05) / model.DOB_U[lv["dob_prec"]])
    nat = {
        fields.SAME: model._bits(model.NAT_M_SAME, nat_u),
        fields.DIFFERS: model._bits(model.NAT_M_DIFFERS, 1 - nat_u),
    }
    addr = lv["address"]
    if addr is None:
        w_addr = 0.0
    elif addr >= model.ADDRESS_HIGH:
        w_addr = model.ADDRESS["high"]
    elif addr >= model.ADDRESS_MID:
        w_addr = model.ADDRESS["mid"]
    else:
        w_addr = model.ADDRESS["low"]

    def level(col: str, table: dict[str, float]) -> float:
        return table.get(lv[col], 0.0) if lv[col] is not None else 0.0

    return [
        w_dob,
        level("sex", model.SEX),
        level("nat", nat),
        level("doc", model.DOC),
        level("phone", model.PHONE),
        level("email", model.EMAIL),
        w_addr,
        level("postcode", model.POSTCODE),
    ]


def _token_sim(lt: str, rt: str, lk: str, rk: str) -> float:
    """`names.token_similarities` for one token pair."""
    osa = OSA.normalized_similarity(lt, rt)
    l1, r1 = len(lt) == 1, len(rt) == 1
    if l1 and r1:
        return osa
    if l1 or r1:
        return names.INITIAL_SIM if lt[:1] == rt[:1] else 0.0
    if lk == rk and len(lk) >= 2:
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


def compare_names(q: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    """`names.compare` for one pair (query `q` on the left, reference `r` on the right)."""
    lt, lk, lw = q["tok"], q["pk"], q["w"]
    rt, rk, rw = r["tok"], r["pk"], r["w"]
    cand = [
        (i, j, _token_sim(a, c, ka, kc), len(a) > 1 and len(c) > 1)
        for i, (a, ka) in enumerate(zip(lt, lk, strict=True))
        for j, (c, kc) in enumerate(zip(rt, rk, strict=True))
    ]
    matched = _assign(cand)
    initials = sum(1 for c in matched if not c[3])
    by_i = sorted(matched)
    reordered = any(b[1] - a[1] < 0 for a, b in itertools.pairwise(by_i))
    m, b, wm, wu, nu, has_full_l = _side_totals(lw, {c[0]: (c[2], c[3]) for c in matched})
    m_r, b_r, wm_r, wu_r, nu_r, has_full_r = _side_totals(rw, {c[1]: (c[2], c[3]) for c in matched})
    compact_sim = max(
        OSA.normalized_similarity(q["compact"], r["compact"]),
        OSA.normalized_similarity(q["scompact"], r["scompact"]),
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
        compact_sim >= names.COMPACT_MIN
        and compact_sim > aligned
        and q["compact"] != ""
        and r["compact"] != ""
    )
    sim = compact_sim if use_compact else aligned
    if cjk_sim is not None:
        sim = min(sim, cjk_sim)
    total_w = (wm + wu + wm_r + wu_r) / 2
    return {
        "name_sim": sim,
        "name_bits": _evidence_factor(compact_sim) * total_w if use_compact else (b + b_r) / 2,
        "conflicts": 0 if use_compact or not conflict else min(nu, nu_r),
        "extras": 0 if use_compact or conflict else nu + nu_r,
        "initials_only": not has_full and not use_compact,
        "initials": 0 if use_compact else initials,
        "reordered": reordered and not use_compact,
        "joined": use_compact,
    }


def name_weight(nm: dict[str, Any]) -> float:
    """`model.name_weight` for one pair."""
    if nm["name_sim"] is None:
        return 0.0
    if nm["name_bits"] <= 0:
        return model.NAME_DISAGREE
    if nm["initials_only"]:
        return float(min(nm["name_bits"], model.INITIALS_ONLY_MAX))
    return float(
        nm["name_bits"] + model.NAME_CONFLICT * nm["conflicts"] + model.NAME_EXTRA * nm["extras"]
    )


def _translit(raw: str | None, tok: list[str]) -> str | None:
    if raw is None or not _NON_ASCII.search(raw):
        return None
    return f"{raw}→{' '.join(tok)}"


def _count(n: int, word: str) -> str | None:
    return f"1 {word}" if n == 1 else f"{n} {word}s" if n > 1 else None


_PRECISION = {1: "year", 2: "year and month", 3: "full date"}


def _level(value: str | None, label: str, words: dict[str, str] | None = None) -> str | None:
    if value is None:
        return None
    words = words or {}
    table = {
        fields.SAME: words.get(fields.SAME, "same"),
        fields.DIFFERS: "differs",
        fields.CLOSE: words.get(fields.CLOSE, "close"),
    }
    return f"{label} {table.get(value, value)}"


def explanation(
    q: dict[str, Any], r: dict[str, Any], lv: dict[str, Any], nm: dict[str, Any], rounded: Any
) -> str:
    """`explain.explanations` for one pair; `rounded` holds name_sim and address rounded to 2
    decimals by Polars (so that rounding and printing are exactly the batch path's)."""
    name = None
    if nm["name_sim"] is not None:
        translit = ", ".join(
            t for t in (_translit(q["name"], q["tok"]), _translit(r["name"], r["tok"])) if t
        )
        notes = [
            f"transliterated: {translit}" if translit else None,
            "order differs" if nm["reordered"] else None,
            "words joined or split" if nm["joined"] else None,
            _count(nm["initials"], "initial"),
            _count(nm["extras"], "extra name"),
            _count(nm["conflicts"], "conflicting name"),
            "common name"
            if nm["name_bits"] < explain.COMMON_NAME_BITS and nm["name_sim"] >= 0.6
            else None,
        ]
        note = "; ".join(n for n in notes if n is not None)
        head = f"name {rounded[0]}"
        name = f"{head} ({note})" if note else head
    dob = lv["dob"]
    dob_text = (
        f"dob agrees on {_PRECISION.get(lv['dob_prec'], '')}"
        if dob == fields.PARTIAL
        else f"dob {dob}"
        if dob is not None
        else None
    )
    parts = [
        name,
        dob_text,
        _level(lv["sex"], "sex"),
        _level(lv["nat"], "nationality"),
        _level(lv["doc"], "document number", {fields.CLOSE: "one character off"}),
        _level(lv["phone"], "phone"),
        _level(lv["email"], "email"),
        f"address {rounded[1]}" if lv["address"] is not None else None,
        _level(lv["postcode"], "postcode"),
    ]
    return ", ".join(p for p in parts if p is not None)


def _rounded(values: list[float | None], decimals: int) -> list[Any]:
    # Polars rounds half to even on the binary value; round with Polars itself so the text and
    # the scores are exactly those of the batch path.
    return pl.Series(values, dtype=pl.Float64).round(decimals).to_list()


def score_candidates(
    query: dict[str, Any],
    refs: list[tuple[int, dict[str, Any]]],
    nat_u: float,
    threshold: float,
    prior: float,
) -> list[tuple[int, float, str]]:
    """`engine.score_candidates` for one query record: (reference row, score, explanation),
    best score first, ties by reference row. `refs` are the candidates' normalised rows."""
    floor = model.logit_bits(threshold)
    kept = []
    for row, r in refs:
        lv = compare_fields(query, r)
        fixed = prior + sum(field_weights(lv, nat_u))
        if not fixed + (query["wsum"] + r["wsum"]) / 2 >= floor:
            continue
        nm = compare_names(query, r)
        if not query["tok"] or not r["tok"]:
            nm["name_sim"] = None  # no name on one side: no name evidence
        weight = fixed + name_weight(nm)
        score = 1.0 / (1.0 + (2.0 ** (-min(max(weight, -60.0), 60.0))))
        if score >= threshold:
            kept.append((row, r, lv, nm, score))
    if not kept:
        return []
    scores = _rounded([k[4] for k in kept], 4)
    two = _rounded([v for k in kept for v in (k[3]["name_sim"], k[2]["address"])], 2)
    out = [
        (row, scores[n], explanation(query, r, lv, nm, two[2 * n : 2 * n + 2]))
        for n, (row, r, lv, nm, _s) in enumerate(kept)
    ]
    return sorted(out, key=lambda o: (-o[1], o[0]))
