"""The live scanner through the real library: frames as bytes plus pixel format (NV21 as CameraX gives
them, BGRA as AVFoundation does), a foreign issuer's code refused, a bad frame reported, the check-in done
on the first valid checkpoint, and nothing taken after that."""

import os
import tempfile
import time
import unittest

from helpers import Issuer, MemoryKeyStore, form, nv21, png_to_gray, tm

ISSUER = None
WAIT_MS = 60_000  # the most a test waits for an event that must come (a slow machine); never a measure


def setUpModule():
    global ISSUER
    ISSUER = Issuer()


def tearDownModule():
    ISSUER.tmp.cleanup()


def bgra(width, height, gray):
    """A BGRA frame of a grayscale image, rows padded to a 64-byte stride as AVFoundation pads them."""
    stride = (width * 4 + 63) // 64 * 64
    rows = []
    for y in range(height):
        row = bytearray()
        for g in gray[y * width:(y + 1) * width]:
            row += bytes((g, g, g, 255))
        rows.append(bytes(row) + bytes(stride - len(row)))
    return tm.CameraFrame(data=b"".join(rows), width=width, height=height, stride=stride,
                          format=tm.PixelFormat.BGRA)


def qr_gray(issuer, id, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "qr.png")
        issuer.checkpoint(id, name, png=path)
        with open(path, "rb") as f:
            return png_to_gray(f.read())


class LiveScan(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.t = tm.Tokhai.open(os.path.join(tmp.name, "data"), MemoryKeyStore())
        self.t.add_trust_list(ISSUER.trust_json)
        self.t.declare(form())

    def scanner(self):
        s = self.t.start_scanner()
        self.addCleanup(s.stop)
        return s

    def next_event(self, s):
        event = s.next_event(WAIT_MS)
        self.assertIsNotNone(event, "no event")
        return event

    def test_refused_bad_frame_then_checked_in_from_nv21(self):
        s = self.scanner()
        stranger = Issuer(key_id=9)  # not in this device's trust list
        self.addCleanup(stranger.tmp.cleanup)
        self.assertIn(s.submit(nv21(*qr_gray(stranger, 801, "Quầy lạ"))), (tm.FrameTaken.PENDING,))
        event = self.next_event(s)
        self.assertTrue(event.is_REFUSED(), event)
        self.assertEqual(event.code, "qr_unknown_key")
        self.assertTrue(event.message_vi and event.message_en)

        s.submit(tm.CameraFrame(data=b"\x00" * 10, width=640, height=480, stride=640, format=tm.PixelFormat.NV21))
        event = self.next_event(s)
        self.assertTrue(event.is_BAD_FRAME(), event)
        self.assertEqual(event.code, "scan_buffer_too_short")
        self.assertFalse(s.is_stopped(), "a refused code or a bad frame does not stop the scan")

        s.submit(nv21(*qr_gray(ISSUER, 802, "Nhà thuốc")))
        event = self.next_event(s)
        self.assertTrue(event.is_CHECKED_IN(), event)
        self.assertEqual(event.result.visit.checkpoint.id, 802)
        self.assertTrue(s.is_stopped())
        self.assertEqual(s.submit(nv21(*qr_gray(ISSUER, 803, "Khác"))), tm.FrameTaken.STOPPED)
        self.assertIsNone(s.next_event(0))
        self.assertEqual([v.checkpoint.id for v in self.t.visits()], [802], "one check-in, nothing after")
        stats = s.stop()
        self.assertEqual(stats.scanned, 3)

    def test_checked_in_from_a_padded_bgra_frame(self):
        s = self.scanner()
        s.submit(bgra(*qr_gray(ISSUER, 804, "Bưu điện")))
        event = self.next_event(s)
        self.assertTrue(event.is_CHECKED_IN(), event)
        self.assertEqual(event.result.visit.checkpoint.id, 804)

    def test_a_stopped_scanner_takes_nothing_and_answers_nothing(self):
        s = self.scanner()
        s.stop()
        self.assertTrue(s.is_stopped())
        self.assertEqual(s.submit(nv21(*qr_gray(ISSUER, 805, "Chợ"))), tm.FrameTaken.STOPPED)
        self.assertIsNone(s.next_event(0))
        self.assertEqual(s.stop().submitted, 0)
        self.assertEqual(self.t.visits(), [])

    def test_frames_with_nothing_to_read(self):
        s = self.scanner()
        blank = tm.CameraFrame(data=b"\x80" * 64 * 48, width=64, height=48, stride=64, format=tm.PixelFormat.GRAY)
        zero = tm.CameraFrame(data=b"", width=0, height=0, stride=0, format=tm.PixelFormat.BGRA)
        s.submit(zero)
        event = self.next_event(s)
        self.assertTrue(event.is_BAD_FRAME(), event)
        self.assertEqual(event.code, "scan_zero_dimension")
        s.submit(blank)
        for _ in range(WAIT_MS // 10):  # until the decoder has taken the blank frame
            if s.stats().scanned == 2:
                break
            time.sleep(0.01)
        self.assertEqual(s.stats().scanned, 2)
        self.assertFalse(s.is_stopped())
        # The decoder takes frames in order: had the blank frame said anything, it would come first.
        s.submit(nv21(*qr_gray(ISSUER, 806, "Quầy")))
        event = self.next_event(s)
        self.assertTrue(event.is_CHECKED_IN(), f"a frame without a code says nothing, got {event}")


if __name__ == "__main__":
    unittest.main()
