"""Multi-script screening benchmark: a watchlist written partly in native scripts, a passenger
list in Latin script, with hard negatives.

Built from name lists per script (native spelling plus the romanisations that passports and
visa forms actually carry: ICAO 9303 / BGN-PCGN for Cyrillic and Arabic, pinyin and
Wade-Giles for Han, Revised Romanization and McCune-Reischauer and the common family-name
spellings for Hangul, RTGS and common spellings for Thai, Hunterian for Devanagari, ELOT 743
for Greek, the common Persian spellings, Vietnamese and Māori without their diacritics and,
for Māori, with a long vowel doubled). Each watchlist person is written
in native script or one romanisation; their traveller copy uses another romanisation, name
order may flip, syllables may be joined or split. Hard negatives are strangers with the same
name and a full date of birth years away, and same-surname strangers born elsewhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import polars as pl

from tiaki.matching import screen

# (native, [romanisations...]) for family names and given names, per script.
NAMES: dict[str, dict[str, list[tuple[str, list[str]]]]] = {
    "hangul": {
        "family": [
            ("김", ["Kim", "Gim"]), ("이", ["Lee", "Yi", "Ri", "Rhee"]),
            ("박", ["Park", "Pak", "Bak"]), ("최", ["Choi", "Choe"]),
            ("정", ["Jung", "Jeong", "Chong"]), ("안", ["Ahn", "An"]),
            ("백", ["Baek", "Paek", "Paik"]), ("조", ["Cho", "Jo"]),
        ],
        "given": [
            ("민준", ["Minjun", "Min-jun", "Min Jun"]), ("서연", ["Seoyeon", "Seo-yeon", "Soyon"]),
            ("지훈", ["Jihun", "Ji-hoon", "Chihun"]), ("현우", ["Hyunwoo", "Hyeon-u", "Hyon-u"]),
            ("수진", ["Sujin", "Su-jin", "Soo Jin"]), ("영호", ["Youngho", "Yeong-ho", "Yong-ho"]),
        ],
    },
    "han": {
        "family": [
            ("张", ["Zhang", "Chang"]), ("王", ["Wang"]), ("李", ["Li", "Lee"]),
            ("陈", ["Chen", "Chan"]), ("刘", ["Liu", "Lau"]), ("周", ["Zhou", "Chou"]),
            ("徐", ["Xu", "Hsu"]), ("黄", ["Huang", "Hwang"]),
        ],
        "given": [
            ("建斌", ["Jianbin", "Jian Bin", "Chien-pin"]), ("建帅", ["Jianshuai", "Jian Shuai"]),
            ("晓明", ["Xiaoming", "Xiao Ming", "Hsiao-ming"]),
            ("志强", ["Zhiqiang", "Chih-chiang"]),
            ("丽华", ["Lihua", "Li Hua", "Li-hua"]), ("国平", ["Guoping", "Kuo-ping"]),
        ],
    },
    "thai": {
        "family": [
            ("ศรีสวัสดิ์", ["Srisawat", "Sisawat"]), ("สุขสวัสดิ์", ["Suksawat", "Sooksawat"]),
            ("วงศ์สวัสดิ์", ["Wongsawat", "Vongsawat"]), ("บุญมา", ["Bunma", "Boonma"]),
            ("แก้วมณี", ["Kaewmani", "Kaeomani"]), ("ทองดี", ["Thongdi", "Tongdee"]),
        ],
        "given": [
            ("ดวงพร", ["Duangphon", "Duangporn"]), ("สมชาย", ["Somchai", "Somchay"]),
            ("สุนทร", ["Sunthon", "Soonthorn"]), ("พรทิพย์", ["Phonthip", "Porntip"]),
            ("ประเสริฐ", ["Prasoet", "Prasert"]), ("วิไล", ["Wilai", "Vilai"]),
        ],
    },
    "arabic": {
        "family": [
            ("الحربي", ["al-Harbi", "al-Harby", "Alharbi", "El Harbi"]),
            ("بن علي", ["bin Ali", "Benali", "Ben Ali"]),
            ("الشمري", ["al-Shammari", "Alshammari", "el-Shamari"]),
            ("عبد الرحمن", ["Abdul Rahman", "Abdelrahman", "Abd al-Rahman"]),
            ("القحطاني", ["al-Qahtani", "Al Kahtani", "Alqahtani"]),
            ("حداد", ["Haddad", "Hadad"]),
        ],
        "given": [
            ("فاطمة", ["Fatma", "Fatimah", "Fatima"]),
            ("محمد", ["Mohammed", "Muhammad", "Mohamed"]),
            ("يوسف", ["Youssef", "Yusuf", "Yousef"]), ("خالد", ["Khaled", "Khalid"]),
            ("عائشة", ["Aisha", "Aicha", "Aysha"]), ("حسين", ["Hussein", "Husayn", "Hussain"]),
        ],
    },
    "cyrillic": {
        "family": [
            ("Иванов", ["Ivanov", "Ivanoff"]), ("Щербаков", ["Shcherbakov", "Scherbakov"]),
            ("Жуков", ["Zhukov", "Joukov"]), ("Кузнецова", ["Kuznetsova", "Kouznetsova"]),
            ("Хабибуллин", ["Khabibullin", "Habibullin"]), ("Юсупов", ["Yusupov", "Iusupov"]),
        ],
        "given": [
            ("Сергей", ["Sergey", "Sergei"]), ("Юлия", ["Yuliya", "Iuliia", "Julia"]),
            ("Алексей", ["Aleksey", "Alexei", "Aleksei"]), ("Наталья", ["Natalya", "Natalia"]),
            ("Дмитрий", ["Dmitriy", "Dmitry", "Dmitrii"]), ("Ксения", ["Kseniya", "Ksenia"]),
        ],
    },
    "devanagari": {
        "family": [
            ("कुमार", ["Kumar"]), ("शर्मा", ["Sharma"]), ("सिंह", ["Singh"]),
            ("पटेल", ["Patel"]), ("वर्मा", ["Verma", "Varma"]), ("यादव", ["Yadav"]),
            ("चौधरी", ["Chaudhary", "Choudhary", "Chaudhari"]), ("गुप्ता", ["Gupta"]),
        ],
        "given": [
            ("अमित", ["Amit"]), ("प्रिया", ["Priya", "Priyaa"]), ("राहुल", ["Rahul"]),
            ("सुनीता", ["Sunita", "Suneeta"]), ("विजय", ["Vijay", "Vijai"]),
            ("दीपक", ["Deepak", "Dipak"]),
        ],
    },
    "greek": {
        "family": [
            ("Παπαδόπουλος", ["Papadopoulos"]), ("Γεωργίου", ["Georgiou", "Yeorgiou"]),
            ("Νικολάου", ["Nikolaou"]), ("Ιωάννου", ["Ioannou"]),
            ("Μπακογιάννης", ["Bakoyannis", "Bakogiannis", "Mpakogiannis"]),
            ("Ντόκος", ["Dokos", "Ntokos"]),
        ],
        "given": [
            ("Ευάγγελος", ["Evangelos", "Evaggelos"]), ("Δημήτριος", ["Dimitrios", "Demetrios"]),
            ("Ευστάθιος", ["Efstathios", "Eustathios"]),
            ("Αικατερίνη", ["Aikaterini", "Ekaterini"]),
            ("Ελένη", ["Eleni"]), ("Γεώργιος", ["Georgios", "Yeorgios"]),
        ],
    },
    "persian": {
        "family": [
            ("پهلوی", ["Pahlavi"]), ("روحانی", ["Rouhani", "Rohani"]), ("احمدی", ["Ahmadi"]),
            ("حسینی", ["Hosseini", "Husseini", "Hoseini"]), ("کریمی", ["Karimi"]),
            ("رضایی", ["Rezaei", "Rezaee", "Rezai"]),
        ],
        "given": [
            ("رضا", ["Reza"]), ("مریم", ["Maryam"]), ("علی", ["Ali"]), ("زهرا", ["Zahra"]),
            ("حسن", ["Hassan", "Hasan"]), ("فاطمه", ["Fatemeh", "Fatemah"]),
        ],
    },
    "vietnamese": {
        "family": [
            ("Nguyễn", ["Nguyen"]), ("Trần", ["Tran"]), ("Lê", ["Le"]), ("Phạm", ["Pham"]),
            ("Đặng", ["Dang"]), ("Huỳnh", ["Huynh"]),
        ],
        "given": [
            ("Văn An", ["Van An"]), ("Thị Hương", ["Thi Huong"]), ("Minh Tuấn", ["Minh Tuan"]),
            ("Thu Hà", ["Thu Ha"]), ("Quốc Bảo", ["Quoc Bao"]), ("Ngọc Ánh", ["Ngoc Anh"]),
        ],
    },
    "maori": {
        "family": [
            ("Ngāta", ["Ngata", "Ngaata"]), ("Pōmare", ["Pomare"]), ("Tūhoe", ["Tuhoe", "Tuuhoe"]),
            ("Wāka", ["Waka", "Waaka"]), ("Te Rangi", ["Te Rangi", "Terangi"]),
        ],
        "given": [
            ("Tāmati", ["Tamati", "Taamati"]), ("Mere", ["Mere"]), ("Hēmi", ["Hemi"]),
            ("Āperahama", ["Aperahama", "Aaperahama"]), ("Rāwiri", ["Rawiri", "Raawiri"]),
        ],
    },
}  # fmt: skip
# Scripts written family name first (native order); CJK names run together, Vietnamese spaced.
FAMILY_FIRST = {"hangul", "han", "vietnamese"}
RUN_TOGETHER = {"hangul", "han"}
# For the variant with sex and nationality (`run(attributes=True)`): the country whose
# passports most of each script's names carry.
NATIONALITY = {
    "hangul": "KOR", "han": "CHN", "thai": "THA", "arabic": "SAU", "cyrillic": "RUS",
    "devanagari": "IND", "greek": "GRC", "persian": "IRN", "vietnamese": "VNM", "maori": "NZL",
}  # fmt: skip


@dataclass(frozen=True)
class MultiScriptResult:
    watchlist: int
    travellers: int
    planted: int
    found: int
    false_alerts: int
    false_alerts_hard: int
    hard_negatives: int
    seconds: float
    by_script: dict[str, tuple[int, int]]

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0

    @property
    def false_per_1000(self) -> float:
        return 1000 * self.false_alerts / self.travellers


def _dob(rng: np.random.Generator) -> tuple[int, int, int]:
    return int(rng.integers(1950, 2005)), int(rng.integers(1, 13)), int(rng.integers(1, 29))


def _fmt(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"


def generate(
    per_script: int = 200, strangers: int = 5_000, seed: int = 5, attributes: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, set[str]]:
    """Watchlist, travellers, truth (watchlist_id, traveller_id) and the hard negatives' ids.

    With `attributes`, every record also carries a sex and the nationality of its script, and
    each hard negative shares both with the listed person: the name, sex and nationality
    agree and only the date of birth (years away) tells them apart. The names and dates are
    the same as without (the attributes are drawn from a generator of their own).
    """
    rng = np.random.default_rng(seed)
    sex_rng = np.random.default_rng(seed + 1)
    watch, trav, truth, hard = [], [], [], set()
    used: set[tuple[str, str, str]] = set()
    for script, lists in NAMES.items():
        fam, giv = lists["family"], lists["given"]
        for k in range(per_script):
            f = fam[int(rng.integers(len(fam)))]
            g = giv[int(rng.integers(len(giv)))]
            dob = _dob(rng)
            key = (f[0], g[0], _fmt(dob))
            if key in used:
                continue
            used.add(key)
            wid = f"W-{script}-{k}"
            if rng.random() < 0.6:  # native script on the watchlist
                if script in RUN_TOGETHER:
                    native = f"{f[0]}{g[0]}"
                else:
                    native = f"{f[0]} {g[0]}" if script in FAMILY_FIRST else f"{g[0]} {f[0]}"
                wname = native
                f_rom = f[1][int(rng.integers(len(f[1])))]
                g_rom = g[1][int(rng.integers(len(g[1])))]
            else:  # one romanisation on the list, another on the passport
                a, b = rng.permutation(max(len(f[1]), 2))[:2] % len(f[1])
                c, d = rng.permutation(max(len(g[1]), 2))[:2] % len(g[1])
                wname = f"{g[1][c]} {f[1][a]}"
                f_rom, g_rom = f[1][b], g[1][d]
            extra = {}
            if attributes:
                extra = {"sex": "FM"[int(sex_rng.integers(2))], "nationality": NATIONALITY[script]}
            watch.append({"id": wid, "full_name": wname, "date_of_birth": _fmt(dob), **extra})
            tname = f"{f_rom} {g_rom}" if rng.random() < 0.5 else f"{g_rom} {f_rom}"
            tid = f"T-{script}-{k}"
            trav.append({"id": tid, "full_name": tname, "date_of_birth": _fmt(dob), **extra})
            truth.append({"watchlist_id": wid, "traveller_id": tid})
            # Hard negative: the same romanised name, a full date of birth years away.
            far = (dob[0] + int(rng.choice([-1, 1])) * int(rng.integers(7, 30)), dob[1], dob[2])
            hid = f"H-{script}-{k}"
            hard.add(hid)
            trav.append({"id": hid, "full_name": tname, "date_of_birth": _fmt(far), **extra})
    # Strangers: names from the same lists (same-surname people), other dates of birth.
    scripts = list(NAMES)
    for k in range(strangers):
        script = scripts[k % len(scripts)]
        lists = NAMES[script]
        f = lists["family"][int(rng.integers(len(lists["family"])))]
        g = lists["given"][int(rng.integers(len(lists["given"])))]
        name = f"{g[1][0]} {f[1][0]}"
        extra = {}
        if attributes:
            extra = {"sex": "FM"[int(sex_rng.integers(2))], "nationality": NATIONALITY[script]}
        trav.append({"id": f"S{k}", "full_name": name, "date_of_birth": _fmt(_dob(rng)), **extra})
    return pl.DataFrame(watch), pl.DataFrame(trav), pl.DataFrame(truth), hard


def run(
    per_script: int = 200, strangers: int = 5_000, attributes: bool = False
) -> MultiScriptResult:
    """Screen the generated travellers; `attributes`: the harder variant (see `generate`)."""
    watch, trav, truth, hard = generate(per_script, strangers, attributes=attributes)
    start = time.perf_counter()
    alerts = screen(watch, trav)
    seconds = time.perf_counter() - start
    truth_r = truth.rename({"watchlist_id": "left_id", "traveller_id": "right_id"})
    hits = alerts.join(truth_r, on=["left_id", "right_id"], how="semi")
    found_ids = set(hits["right_id"].to_list())
    false = alerts.join(truth_r, on=["left_id", "right_id"], how="anti")
    # A traveller with several alerts counts once.
    false_travellers = set(false["right_id"].to_list()) - found_ids
    by_script = {}
    for script in NAMES:
        ids = [t for t in truth["traveller_id"].to_list() if t.startswith(f"T-{script}-")]
        by_script[script] = (sum(1 for t in ids if t in found_ids), len(ids))
    return MultiScriptResult(
        watchlist=watch.height,
        travellers=trav.height,
        planted=truth.height,
        found=len(found_ids),
        false_alerts=len(false_travellers),
        false_alerts_hard=len(false_travellers & hard),
        hard_negatives=len(hard),
        seconds=seconds,
        by_script=by_script,
    )


if __name__ == "__main__":
    r = run()
    print(r, f"recall {r.recall:.3f}, false alerts per 1,000 {r.false_per_1000:.2f}")
