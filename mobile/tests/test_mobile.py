"""The real library (the built libtokhai_mobile.so) through its generated Python bindings."""

import os
import tempfile
import unittest

from helpers import (BrokenKeyStore, Issuer, LockedKeyStore, MemoryKeyStore, form, nv21, png_to_gray, tm)

ISSUER = None


def setUpModule():
    global ISSUER
    ISSUER = Issuer()


def tearDownModule():
    ISSUER.tmp.cleanup()


class Device:
    """A phone: a data folder and its key store."""

    def __init__(self, test):
        self.tmp = tempfile.TemporaryDirectory()
        test.addCleanup(self.tmp.cleanup)
        self.dir = os.path.join(self.tmp.name, "data")
        self.keys = MemoryKeyStore()

    def open(self, keys=None):
        t = tm.Tokhai.open(self.dir, keys or self.keys)
        t.add_trust_list(ISSUER.trust_json)
        return t


class Citizen(unittest.TestCase):
    def test_declare_show_code_check_in_and_out(self):
        device = Device(self)
        t = device.open()
        saved = t.declare(form())
        self.assertEqual(saved.full_name, "NGUYỄN THỊ MAI")
        self.assertIsNotNone(saved.stale_at)
        self.assertEqual(len(device.keys.secrets), 1, "the key is kept in the platform key store")

        code = t.personal_code()
        self.assertFalse(code.signed, "unsigned until the declaration has synced")
        self.assertTrue(code.text)

        payload = ISSUER.checkpoint(101)
        checkin = t.check_in_code(payload)
        self.assertEqual(checkin.visit.checkpoint.id, 101)
        self.assertEqual(checkin.visit.checkpoint.name, "Chợ Bến Thành")
        self.assertEqual(checkin.visit.checkpoint.kind, "market")
        self.assertEqual(checkin.visit.end, "open")
        self.assertFalse(checkin.repeat)
        self.assertIsNotNone(checkin.auto_check_out_at)
        self.assertTrue(t.check_in_code(payload).repeat, "a second scan records nothing new")

        visit = t.check_out()
        self.assertEqual(visit.end, "checked_out")
        self.assertIsNotNone(visit.checked_out_at)

        visits = t.visits()
        self.assertEqual([v.checkpoint.id for v in visits], [101])
        self.assertGreaterEqual(t.pending_changes(), 3)  # declaration, check-in, check-out
        self.assertEqual(t.integrity_check(), "ok")

    def test_reopen_with_the_same_key_store_sees_the_data(self):
        device = Device(self)
        t = device.open()
        t.declare(form())
        t.check_in_code(ISSUER.checkpoint(102))
        del t
        again = device.open()
        self.assertEqual([v.checkpoint.id for v in again.visits()], [102])

    def test_check_in_from_a_poster_image_and_from_an_nv21_frame(self):
        device = Device(self)
        t = device.open()
        t.declare(form())
        with tempfile.TemporaryDirectory() as tmp:
            poster = ISSUER.poster_png(ISSUER.checkpoint(201, "Siêu thị A"), os.path.join(tmp, "poster.png"))
            first = t.check_in_image(poster)
            self.assertEqual(first.visit.checkpoint.id, 201)

            qr_png = os.path.join(tmp, "qr.png")
            ISSUER.checkpoint(202, "Siêu thị B", png=qr_png)
            with open(qr_png, "rb") as f:
                frame = nv21(*png_to_gray(f.read()))
            second = t.check_in_frame(frame)
            self.assertEqual(second.visit.checkpoint.id, 202)
            self.assertEqual(second.closed.checkpoint.id, 201, "the next check-in closes the previous visit")
            self.assertEqual(second.closed.end, "next_check_in")


class Errors(unittest.TestCase):
    def assertCode(self, kind, code, f, *args):
        with self.assertRaises(kind) as caught:
            f(*args)
        self.assertEqual(caught.exception.code, code)
        self.assertTrue(caught.exception.message_vi)
        self.assertTrue(caught.exception.message_en)
        return caught.exception

    def test_wrong_key(self):
        device = Device(self)
        device.open().declare(form())
        other = MemoryKeyStore()
        (name,) = device.keys.secrets
        other.secrets[name] = bytes(32)  # a key, but not this data's
        self.assertCode(tm.TokhaiError.Key, "wrong_key", tm.Tokhai.open, device.dir, other)

    def test_a_key_store_that_fails(self):
        device = Device(self)
        self.assertCode(tm.TokhaiError.Key, "key_store_unavailable", tm.Tokhai.open, device.dir, LockedKeyStore())
        self.assertCode(tm.TokhaiError.Key, "key_store_unavailable", tm.Tokhai.open, device.dir, BrokenKeyStore())
        device.open().declare(form())
        self.assertCode(tm.TokhaiError.Key, "key_store_unavailable", tm.Tokhai.open, device.dir, LockedKeyStore())
        self.assertCode(tm.TokhaiError.Key, "key_store_unavailable", tm.Tokhai.open, device.dir, BrokenKeyStore())
        self.assertCode(tm.TokhaiError.Key, "key_store_unavailable", tm.Tokhai.open, device.dir, MemoryKeyStore())
        self.assertEqual(device.open().integrity_check(), "ok", "a failed open changes nothing")

    def test_bad_input_to_every_call_is_an_error_not_a_crash(self):
        self.assertCode(tm.TokhaiError.Invalid, "data_dir_missing", tm.Tokhai.open, "", MemoryKeyStore())
        device = Device(self)
        t = device.open()
        self.assertCode(tm.TokhaiError.Rejected, "declaration_not_found", t.personal_code)
        err = self.assertCode(tm.TokhaiError.Invalid, "invalid_declaration", t.declare, form(full_name="", birth_year="x"))
        self.assertIn("full_name", [f.field for f in err.fields])
        self.assertCode(tm.TokhaiError.Invalid, "qr_trust_list", t.add_trust_list, "{")
        self.assertCode(tm.TokhaiError.Invalid, "qr_not_tokhai", t.check_in_code, "https://example.com")
        self.assertCode(tm.TokhaiError.Invalid, "qr_not_tokhai", t.check_in_code, "")
        forged = ISSUER.checkpoint(301)[:-4] + "AAAA"
        with self.assertRaises(tm.TokhaiError.Invalid) as caught:
            t.check_in_code(forged)
        self.assertTrue(caught.exception.code.startswith("qr_"), caught.exception.code)
        self.assertCode(tm.TokhaiError.Invalid, "scan_undecodable_image", t.check_in_image, b"not an image")
        self.assertCode(tm.TokhaiError.Invalid, "scan_undecodable_image", t.check_in_image, b"")
        frame = tm.CameraFrame(data=b"\x00" * 10, width=640, height=480, stride=640, format=tm.PixelFormat.NV21)
        self.assertCode(tm.TokhaiError.Invalid, "scan_buffer_too_short", t.check_in_frame, frame)
        frame = tm.CameraFrame(data=b"", width=0, height=0, stride=0, format=tm.PixelFormat.BGRA)
        self.assertCode(tm.TokhaiError.Invalid, "scan_zero_dimension", t.check_in_frame, frame)
        frame = tm.CameraFrame(data=b"\x00" * 64, width=8, height=8, stride=4, format=tm.PixelFormat.GRAY)
        self.assertCode(tm.TokhaiError.Invalid, "scan_stride_too_small", t.check_in_frame, frame)
        frame = tm.CameraFrame(data=b"\x80" * 64 * 48, width=64, height=48, stride=64, format=tm.PixelFormat.GRAY)
        self.assertCode(tm.TokhaiError.Invalid, "no_code_in_photo", t.check_in_frame, frame)
        self.assertCode(tm.TokhaiError.Rejected, "no_open_visit", t.check_out)
        self.assertEqual(t.visits(), [])
        self.assertEqual(t.integrity_check(), "ok")


if __name__ == "__main__":
    unittest.main()
