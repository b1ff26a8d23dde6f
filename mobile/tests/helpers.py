"""What the tests share: the generated bindings (imported from $TOKHAI_MOBILE_BINDINGS), in-memory key
stores, a valid declaration form, and signed checkpoint codes and posters made by core through the real
`tokhai` CLI ($TOKHAI_CLI). `mobile/test.sh` sets both variables."""

import json
import os
import struct
import subprocess
import sys
import tempfile
import threading
import zlib

sys.path.insert(0, os.environ["TOKHAI_MOBILE_BINDINGS"])

import tokhai_mobile as tm  # noqa: E402  (the path above is where test.sh generated it)

CLI = os.environ["TOKHAI_CLI"]


class MemoryKeyStore(tm.KeyStore):
    """The platform key store as a phone would implement it, kept in a dict (thread-safe)."""

    def __init__(self):
        self.secrets = {}
        self.lock = threading.Lock()

    def load(self, name):
        with self.lock:
            return self.secrets.get(name)

    def save(self, name, secret):
        with self.lock:
            self.secrets[name] = bytes(secret)

    def delete(self, name):
        with self.lock:
            self.secrets.pop(name, None)


class LockedKeyStore(tm.KeyStore):
    """A key store that cannot be used (a phone before its first unlock)."""

    def load(self, name):
        raise tm.KeyStoreError.Unavailable("device locked")

    def save(self, name, secret):
        raise tm.KeyStoreError.Unavailable("device locked")

    def delete(self, name):
        raise tm.KeyStoreError.Unavailable("device locked")


class BrokenKeyStore(tm.KeyStore):
    """A key store whose code has a bug: it raises something that is not a KeyStoreError."""

    def load(self, name):
        raise RuntimeError("bug in the platform code")

    def save(self, name, secret):
        raise RuntimeError("bug in the platform code")

    def delete(self, name):
        raise RuntimeError("bug in the platform code")


def form(**changes):
    f = tm.DeclarationForm(
        full_name="nguyễn thị mai",
        id_kind="",
        id_number="079185001234",
        birth_year="1985",
        sex="nữ",
        nationality="",
        address=tm.AddressForm(scheme="", province="79", district="", ward="26743", street="12 Lê Lợi"),
        phone="0912 345 678",
        email="",
        travel=[],
        symptoms=tm.Symptoms(
            fever=False,
            cough=False,
            shortness_of_breath=False,
            pneumonia=False,
            sore_throat=False,
            fatigue=False,
            loss_of_taste_or_smell=False,
            other=None,
        ),
        exposure=tm.Exposure(
            confirmed_or_suspected_case=False,
            person_from_country_with_cases=False,
            person_with_symptoms=False,
        ),
        chronic_conditions=[],
        pregnant=None,
    )
    for k, v in changes.items():
        setattr(f, k, v)
    return f


def cli(*args, cwd=None, env=None):
    run_env = dict(os.environ)
    run_env.pop("TOKHAI_TRUST_FILE", None)
    run_env.update(env or {})
    out = subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd, env=run_env)
    if out.returncode != 0:
        raise AssertionError(f"tokhai {args} failed: {out.stderr}")
    return out.stdout


class Issuer:
    """A checkpoint issuer: a signing key made by `tokhai qr keygen` and its trust list."""

    def __init__(self, key_id=7):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp
        self.key_id = str(key_id)
        self.key = os.path.join(self.dir.name, "issuer.pk8")
        self.trust_file = os.path.join(self.dir.name, "trust.json")
        cli("qr", "keygen", "--key-id", self.key_id, "--out", self.key, "--trust-out", self.trust_file)
        with open(self.trust_file, encoding="utf-8") as f:
            self.trust_json = f.read()

    def checkpoint(self, id, name="Chợ Bến Thành", png=None):
        """The signed code text of checkpoint `id` (and its QR as a PNG when `png` is a path)."""
        args = ["qr", "checkpoint", "--signing-key", self.key, "--key-id", self.key_id, "--id", str(id),
                "--name", name, "--kind", "market", "--ward", "26743", "--street", "36 Lê Lợi", "--stay", "90"]
        if png:
            args += ["--png", png]
        return cli(*args).strip()

    def fallback(self, id):
        """The fallback code printed under checkpoint `id`'s QR (core's, through `tokhai --json`)."""
        args = ["--json", "qr", "checkpoint", "--signing-key", self.key, "--key-id", self.key_id, "--id", str(id),
                "--name", "Quầy", "--kind", "market", "--ward", "26743", "--street", "1 Lê Lợi"]
        return json.loads(cli(*args))["fallback"]

    def poster_png(self, code, path):
        """The A4 poster core renders for `code`, as PNG bytes."""
        cli("qr", "poster", "--payload", code, "--png", path, "--dpi", "100",
            env={"TOKHAI_TRUST_FILE": self.trust_file})
        with open(path, "rb") as f:
            return f.read()


def png_to_gray(data):
    """Decodes an 8-bit, non-interlaced PNG (gray, gray+alpha, RGB or RGBA) to (width, height, gray bytes)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or interlace != 0:
        raise ValueError("only 8-bit non-interlaced PNGs")
    channels = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    raw = zlib.decompress(idat)
    row = width * channels
    prev = bytearray(row)
    gray = bytearray()
    for y in range(height):
        start = y * (row + 1)
        filt, line = raw[start], bytearray(raw[start + 1:start + 1 + row])
        for i in range(row):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if filt == 1:
                line[i] = (line[i] + a) & 0xFF
            elif filt == 2:
                line[i] = (line[i] + b) & 0xFF
            elif filt == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        prev = line
        if channels <= 2:
            gray += line[::channels]
        else:
            for x in range(width):
                r, g, bl = line[x * channels:x * channels + 3]
                gray.append((299 * r + 587 * g + 114 * bl) // 1000)
    return width, height, bytes(gray)


def nv21(width, height, gray):
    """An NV21 frame (as CameraX gives it) of a grayscale image: the Y plane, then neutral V/U."""
    even_w, even_h = width - width % 2, height - height % 2
    y = b"".join(gray[r * width:r * width + even_w] for r in range(even_h))
    return tm.CameraFrame(data=y + bytes([128]) * (even_w * even_h // 2), width=even_w, height=even_h,
                          stride=even_w, format=tm.PixelFormat.NV21)
