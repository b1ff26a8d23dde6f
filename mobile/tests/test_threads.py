"""Many threads calling one Tokhai object at once: no crash, no deadlock, nothing lost or doubled.

ctypes releases the GIL during each call into the library, so the calls really run side by side in Rust.
8 threads share the work; TOKHAI_STRESS_OPS sets the total (default 10,000)."""

import datetime
import os
import tempfile
import threading
import unittest

from helpers import Issuer, MemoryKeyStore, form, tm

THREADS = 8
OPS = int(os.environ.get("TOKHAI_STRESS_OPS", "10000"))


class Threads(unittest.TestCase):
    def test_eight_threads_on_one_object(self):
        issuer = Issuer()
        self.addCleanup(issuer.tmp.cleanup)
        codes = [issuer.checkpoint(500 + i, f"Quầy {i}") for i in range(4)]
        with tempfile.TemporaryDirectory() as tmp:
            t = tm.Tokhai.open(os.path.join(tmp, "data"), MemoryKeyStore())
            t.add_trust_list(issuer.trust_json)
            t.declare(form())
            me = t.family()[0].id
            today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).date()
            episode = t.start_quarantine(tm.NewEpisode(
                person_id=me, kind=tm.QuarantineKind.HOME, place=None, start=today.isoformat(),
                expected_end=(today + datetime.timedelta(days=13)).isoformat())).episode.id
            symptoms = tm.Symptoms(fever=False, cough=False, shortness_of_breath=False, pneumonia=False,
                                   sore_throat=False, fatigue=False, loss_of_taste_or_smell=False, other=None)
            scanner = t.start_scanner()
            blank = tm.CameraFrame(data=b"\x80" * 64 * 48, width=64, height=48, stride=64,
                                   format=tm.PixelFormat.GRAY)
            recorded = []  # visits a check-in said it opened
            unexpected = []
            lock = threading.Lock()

            def work(n):
                mine = []
                for i in range(OPS // THREADS):
                    try:
                        op = (n + i) % 10
                        if op == 0:
                            r = t.check_in_code(codes[(n * 7 + i) % len(codes)])
                            if not r.repeat:
                                mine.append(r.visit.id)
                        elif op == 1:
                            t.visits()
                        elif op == 2:
                            try:
                                t.check_out()
                            except tm.TokhaiError.Rejected as e:
                                if e.code != "no_open_visit":
                                    raise
                        elif op == 3:
                            t.pending_changes()
                        elif op == 4:
                            t.personal_code()
                        elif op == 5:
                            t.family()
                        elif op == 6:
                            t.report_day(episode, tm.ReportInput(day=None, temperature=f"36.{i % 10}",
                                                                 symptoms=symptoms, note=""))
                        elif op == 7:
                            t.next_wakeup()
                            t.sync_status()
                        elif op == 8:
                            t.day_statuses(episode)
                            t.alerts()
                        else:
                            scanner.submit(blank)
                            scanner.stats()
                    except Exception as e:  # noqa: BLE001  (collected and reported below)
                        with lock:
                            unexpected.append(repr(e))
                with lock:
                    recorded.extend(mine)

            threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
            for th in threads:
                th.start()
            for th in threads:
                th.join(timeout=600)
            self.assertFalse(any(th.is_alive() for th in threads), "a thread is stuck (deadlock?)")
            self.assertEqual(unexpected, [])
            visits = t.visits()
            self.assertEqual(sorted(v.id for v in visits), sorted(recorded), "every check-in recorded once")
            self.assertLessEqual(sum(1 for v in visits if v.end == "open"), 1, "at most one open visit")
            self.assertEqual(len(t.reports(episode)), 1, "one report for the day, replaced in place")
            self.assertFalse(scanner.is_stopped())
            scanner.stop()
            self.assertEqual(t.integrity_check(), "ok")


if __name__ == "__main__":
    unittest.main()
