"""The foreign side of the boundary benchmark: the same calls as mobile/benches/boundary.rs, through the
generated Python bindings and the built library. `mobile/bench.sh` runs both and prints the tables.

Usage (from bench.sh): python3 boundary.py prepare DIR   (writes the inputs both sides read)
                       python3 boundary.py run DIR       (prints the Python table)"""

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from helpers import Issuer, MemoryKeyStore, form, nv21, png_to_gray, tm  # noqa: E402

ROUNDS = int(os.environ.get("TOKHAI_BENCH_ROUNDS", "200"))


def prepare(out):
    issuer = Issuer()
    with open(os.path.join(out, "trust.json"), "w", encoding="utf-8") as f:
        f.write(issuer.trust_json)
    for n, id in ((1, 9001), (2, 9002)):
        png = os.path.join(out, f"qr{n}.png")
        code = issuer.checkpoint(id, f"Quầy {n}", png=png)
        with open(os.path.join(out, f"code{n}.txt"), "w", encoding="utf-8") as f:
            f.write(code)
        with open(png, "rb") as f:
            frame = nv21(*png_to_gray(f.read()))
        with open(os.path.join(out, f"frame{n}.nv21"), "wb") as f:
            f.write(frame.data)
        with open(os.path.join(out, f"frame{n}.json"), "w", encoding="utf-8") as f:
            json.dump({"width": frame.width, "height": frame.height}, f)
    f0 = form()
    with open(os.path.join(out, "form.json"), "w", encoding="utf-8") as f:
        json.dump({"full_name": f0.full_name, "id_number": f0.id_number, "birth_year": f0.birth_year,
                   "sex": f0.sex, "phone": f0.phone, "province": f0.address.province, "ward": f0.address.ward,
                   "street": f0.address.street}, f, ensure_ascii=False)
    issuer.tmp.cleanup()


def line(what, samples):
    samples.sort()
    at = lambda p: samples[round((len(samples) - 1) * p)]  # noqa: E731
    print(f"| {what} | {len(samples)} | {at(0.5) * 1e6:.0f} µs | {at(0.99) * 1e6:.0f} µs |")


def device(tmp, inp):
    t = tm.Tokhai.open(os.path.join(tmp, "data"), MemoryKeyStore())
    with open(os.path.join(inp, "trust.json"), encoding="utf-8") as f:
        t.add_trust_list(f.read())
    t.declare(form())
    return t


def frame(inp, n):
    with open(os.path.join(inp, f"frame{n}.json"), encoding="utf-8") as f:
        meta = json.load(f)
    with open(os.path.join(inp, f"frame{n}.nv21"), "rb") as f:
        data = f.read()
    return tm.CameraFrame(data=data, width=meta["width"], height=meta["height"], stride=meta["width"],
                          format=tm.PixelFormat.NV21)


def run(inp):
    print("| Python through the bindings | n | p50 | p99 |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        t = device(tmp, inp)
        frames = [frame(inp, 1), frame(inp, 2)]
        for fr in frames:
            t.check_in_frame(fr)
        samples = []
        for i in range(ROUNDS):
            start = time.perf_counter()
            r = t.check_in_frame(frames[i % 2])
            samples.append(time.perf_counter() - start)
            assert not r.repeat
        line("check_in_frame (NV21, new visit)", samples)
    with tempfile.TemporaryDirectory() as tmp:
        t = device(tmp, inp)
        codes = []
        for n in (1, 2):
            with open(os.path.join(inp, f"code{n}.txt"), encoding="utf-8") as f:
                codes.append(f.read())
        for i in range(500):
            t.check_in_code(codes[i % 2])
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            v = t.visits()
            samples.append(time.perf_counter() - start)
            assert len(v) == 500
        line("visits() with 500 visits", samples)
        samples = []
        for _ in range(ROUNDS * 10):
            start = time.perf_counter()
            n = t.pending_changes()
            samples.append(time.perf_counter() - start)
            assert n > 0
        line("pending_changes()", samples)


if __name__ == "__main__":
    {"prepare": prepare, "run": run}[sys.argv[1]](sys.argv[2])
