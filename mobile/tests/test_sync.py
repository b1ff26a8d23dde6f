"""Sync as a cancellable async call, against the real tokhai-server on 127.0.0.1:0: sign in by texted code,
sync, the pulled issuer keys, a sync cancelled while the server's answer is in flight (nothing lost,
nothing doubled), and the errors a background worker branches on."""

import asyncio
import os
import socket
import tempfile
import unittest

from helpers import Issuer, MemoryKeyStore, form, tm
from server import Proxy, Server

ISSUER = None
SERVER = None


def setUpModule():
    global ISSUER, SERVER
    ISSUER = Issuer()
    SERVER = Server()


def tearDownModule():
    SERVER.stop()
    ISSUER.tmp.cleanup()


def run(coro):
    return asyncio.run(coro)


class Sync(unittest.TestCase):
    def device(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        t = tm.Tokhai.open(os.path.join(tmp.name, "data"), MemoryKeyStore())
        t.add_trust_list(ISSUER.trust_json)
        return t

    def sign_in(self, t, phone, url=None):
        url = url or SERVER.url
        mark = SERVER.mark()
        run(t.request_sign_in_code(url, phone))
        until = run(t.sign_in(url, phone, SERVER.code_for(phone, mark)))
        self.assertIsNotNone(until)
        self.assertTrue(t.sync_status().signed_in)

    def assertCode(self, kind, code, coro):
        with self.assertRaises(kind) as caught:
            run(coro)
        self.assertEqual(caught.exception.code, code)
        self.assertTrue(caught.exception.message_vi)
        self.assertTrue(caught.exception.message_en)
        return caught.exception

    def test_sign_in_sync_and_the_signed_personal_code(self):
        t = self.device()
        t.declare(form(phone="0912000101", id_number="079185000101"))
        t.check_in_code(ISSUER.checkpoint(701))
        t.check_out()
        self.assertEqual(t.pending_changes(), 3)
        self.sign_in(t, "0912000101")
        report = run(t.sync(SERVER.url))
        # The declaration is taken; the visits are at a checkpoint this server never registered (the test's
        # own issuer signed it), so the server refuses them and the device says why, sending them no more.
        self.assertEqual((report.sent, report.refused, report.pending), (1, 2, 0))
        self.assertEqual(sorted(r.code for r in t.sync_status().refused), ["unknown_checkpoint"] * 2)
        self.assertTrue(all(r.message_vi and r.message_en for r in t.sync_status().refused))
        self.assertGreaterEqual(report.pulled, 1, "the feed brings at least the server's issuer key")
        self.assertEqual(report.signed_codes, 1)
        self.assertFalse(report.clock_off)
        code = t.personal_code()
        self.assertTrue(code.signed, "after sync the personal code is the server-signed one")
        status = t.sync_status()
        self.assertEqual(status.pending, 0)
        self.assertIsNotNone(status.last_success)
        self.assertIsNone(status.last_error)
        self.assertIsNotNone(status.next_attempt)
        wake = t.next_wakeup()
        self.assertEqual(wake.reason, tm.WakeupReason.SYNC)
        self.assertEqual(wake.at, status.next_attempt)
        again = run(t.sync(SERVER.url))
        self.assertEqual((again.sent, again.pending), (0, 0), "nothing is sent twice")
        run(t.sign_out(SERVER.url))
        self.assertFalse(t.sync_status().signed_in)

    def test_a_sync_cancelled_while_the_answer_is_in_flight_loses_and_doubles_nothing(self):
        t = self.device()
        for i in range(1100):  # 1,100 declaration versions: three upload batches of <= 500
            f = form(phone="0912000102", id_number="079185000102")
            f.address.street = f"{i + 1} Lê Lợi"
            t.declare(f)
        before = t.pending_changes()
        self.assertEqual(before, 1100)
        self.sign_in(t, "0912000102")
        proxy = Proxy(SERVER.url, hold=2)
        self.addCleanup(proxy.stop)

        async def cancel_mid_way():
            task = asyncio.ensure_future(t.sync(proxy.url))
            loop = asyncio.get_running_loop()
            # The second batch reached the server and was stored; its answer is held back.
            answered = await loop.run_in_executor(None, proxy.answered.wait, 120)
            self.assertTrue(answered, "the second upload never reached the server")
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task

        run(cancel_mid_way())
        left = t.pending_changes()
        self.assertGreater(left, 0, "the unheard batch and the third are still pending")
        self.assertLess(left, before, "the first batch's answer was recorded")
        self.assertEqual(t.declaration_form(t.family()[0].id).address.street, "1100 Lê Lợi", "nothing lost here")
        self.assertEqual(t.integrity_check(), "ok")

        proxy.release()
        report = run(t.sync(proxy.url))
        self.assertEqual((report.sent, report.refused, report.pending), (left, 0, 0))
        self.assertEqual(t.pending_changes(), 0)
        # The server holds each version once: deleting the account counts exactly what it stored.
        deleted = run(t.delete_server_account(SERVER.url))
        self.assertEqual(deleted.declarations, 1100)
        self.assertTrue(deleted.kept_vi or deleted.account_removed)
        self.assertEqual(len(t.family()), 1, "the device's own data stays until wipe")

    def test_errors_a_worker_branches_on(self):
        t = self.device()
        t.declare(form(phone="0912000103", id_number="079185000103"))
        t.check_in_code(ISSUER.checkpoint(720))
        self.assertCode(tm.TokhaiError.SignIn, "not_signed_in", t.sync(SERVER.url))
        self.assertEqual(t.pending_changes(), 2, "nothing lost")
        self.assertEqual(t.sync_status().last_error, "not_signed_in")
        # A closed port: offline, try again later.
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
        s.close()
        err = self.assertCode(tm.TokhaiError.Network, "offline", t.request_sign_in_code(closed, "0912000103"))
        self.assertIsNone(err.retry_after_seconds)
        for bad in ("", "tokhai.example.vn", "ftp://x"):
            self.assertCode(tm.TokhaiError.Invalid, "bad_server", t.sync(bad))
            self.assertCode(tm.TokhaiError.Invalid, "bad_server", t.sign_in(bad, "0912000103", "123456"))
            self.assertCode(tm.TokhaiError.Invalid, "bad_server", t.sign_out(bad))
            self.assertCode(tm.TokhaiError.Invalid, "bad_server", t.delete_server_account(bad))
            self.assertCode(tm.TokhaiError.Invalid, "bad_server", t.request_sign_in_code(bad, "0912000103"))
        # The server refuses a wrong one-time code and a number that is no phone.
        mark = SERVER.mark()
        run(t.request_sign_in_code(SERVER.url, "0912000103"))
        good = SERVER.code_for("0912000103", mark)
        wrong = "000000" if good != "000000" else "111111"
        with self.assertRaises(tm.TokhaiError.Rejected) as caught:
            run(t.sign_in(SERVER.url, "0912000103", wrong))
        self.assertTrue(caught.exception.code.startswith("otp"), caught.exception.code)
        with self.assertRaises(tm.TokhaiError.Rejected):
            run(t.request_sign_in_code(SERVER.url, "12"))
        self.assertCode(tm.TokhaiError.SignIn, "not_signed_in", t.delete_server_account(SERVER.url))
        self.assertEqual(t.pending_changes(), 2)
        self.assertEqual(t.integrity_check(), "ok")


if __name__ == "__main__":
    unittest.main()
