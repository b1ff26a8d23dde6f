"""The citizen use cases beyond check-in, through the real library: family, the health log, alerts and
safety levels, export, wipe, fallback codes and next_wakeup — each with its bad input."""

import datetime
import json
import os
import tempfile
import unittest

from helpers import Issuer, MemoryKeyStore, form, tm

VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
ISSUER = None


def setUpModule():
    global ISSUER
    ISSUER = Issuer()


def tearDownModule():
    ISSUER.tmp.cleanup()


def child_form(**changes):
    f = form(full_name="nguyễn văn an", id_kind="none", id_number="", birth_year="2018", sex="nam", phone="")
    for k, v in changes.items():
        setattr(f, k, v)
    return f


def no_symptoms():
    return tm.Symptoms(fever=False, cough=False, shortness_of_breath=False, pneumonia=False, sore_throat=False,
                       fatigue=False, loss_of_taste_or_smell=False, other=None)


class Case(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = os.path.join(tmp.name, "data")
        self.keys = MemoryKeyStore()
        self.t = tm.Tokhai.open(self.dir, self.keys)
        self.t.add_trust_list(ISSUER.trust_json)

    def assertCode(self, kind, code, f, *args):
        with self.assertRaises(kind) as caught:
            f(*args)
        self.assertEqual(caught.exception.code, code)
        self.assertTrue(caught.exception.message_vi)
        self.assertTrue(caught.exception.message_en)
        return caught.exception

    def me(self):
        self.t.declare(form())
        (holder,) = [m for m in self.t.family() if m.relation == tm.Relation.MYSELF]
        return holder


class Family(Case):
    def test_dependants_are_declared_listed_shown_and_removed(self):
        me = self.me()
        saved = self.t.add_dependant(tm.Relation.CHILD, child_form())
        self.assertEqual(saved.full_name, "NGUYỄN VĂN AN")
        family = self.t.family()
        self.assertEqual([m.relation for m in family], [tm.Relation.MYSELF, tm.Relation.CHILD])
        child = family[1]
        self.assertEqual(child.id, saved.person_id)
        self.assertEqual((child.relation_vi, child.relation_en), ("Con", "Child"))
        self.assertEqual(child.freshness, "fresh")
        self.assertIsNotNone(child.stale_at)
        code = self.t.personal_code_for(child.id)
        self.assertEqual(code.initials, "NVA")
        self.assertNotEqual(code.text, self.t.personal_code().text, "each person has their own code")
        prefilled = self.t.declaration_form(child.id)
        self.assertEqual(prefilled.birth_year, "2018")
        changed = child_form()
        changed.address.street = "1 Hàm Nghi"
        update = self.t.declare_for(child.id, changed)
        self.assertNotEqual(update.id, saved.id, "an update is a new version")
        self.assertEqual(self.t.declaration_form(child.id).address.street, "1 Hàm Nghi")
        self.t.remove_dependant(child.id)
        self.assertEqual([m.id for m in self.t.family()], [me.id])

    def test_bad_family_input(self):
        me = self.me()
        self.assertCode(tm.TokhaiError.Invalid, "relation_myself", self.t.add_dependant, tm.Relation.MYSELF,
                        child_form())
        err = self.assertCode(tm.TokhaiError.Invalid, "invalid_declaration", self.t.add_dependant,
                              tm.Relation.CHILD, child_form(full_name=""))
        self.assertIn("full_name", [f.field for f in err.fields])
        self.assertEqual(len(self.t.family()), 1, "an invalid form adds nobody")
        self.assertCode(tm.TokhaiError.Rejected, "document_in_use", self.t.add_dependant, tm.Relation.SPOUSE,
                        form())
        for bad in ("", "not-an-id", "00000000-0000-0000-0000-000000000000"[:10]):
            self.assertCode(tm.TokhaiError.Invalid, "bad_id", self.t.declare_for, bad, child_form())
            self.assertCode(tm.TokhaiError.Invalid, "bad_id", self.t.personal_code_for, bad)
            self.assertCode(tm.TokhaiError.Invalid, "bad_id", self.t.declaration_form, bad)
            self.assertCode(tm.TokhaiError.Invalid, "bad_id", self.t.remove_dependant, bad)
        stranger = self.t.add_dependant(tm.Relation.OTHER, child_form()).person_id
        self.t.remove_dependant(stranger)
        self.assertCode(tm.TokhaiError.Rejected, "person_not_found", self.t.declare_for, stranger, child_form())
        self.assertCode(tm.TokhaiError.Rejected, "remove_account_holder", self.t.remove_dependant, me.id)
        self.assertEqual(self.t.integrity_check(), "ok")


class Health(Case):
    def test_quarantine_report_statuses_reminder(self):
        me = self.me()
        today = datetime.datetime.now(VIETNAM).date()
        end = today + datetime.timedelta(days=13)
        started = self.t.start_quarantine(tm.NewEpisode(person_id=me.id, kind=tm.QuarantineKind.HOME, place=None,
                                                        start=today.isoformat(), expected_end=end.isoformat()))
        self.assertFalse(started.extended)
        episode = started.episode
        self.assertEqual((episode.start, episode.expected_end), (today.isoformat(), end.isoformat()))
        self.assertEqual(episode.kind_en, "Home quarantine")
        self.assertEqual(self.t.current_episode(me.id, None).id, episode.id)
        self.assertEqual([e.id for e in self.t.episodes(me.id)], [episode.id])
        before = self.t.day_statuses(episode.id)
        self.assertEqual(len(before), 14)
        self.assertEqual(before[0].status, "due")
        self.assertIsNotNone(self.t.next_reminder(episode.id))
        wake = self.t.next_wakeup()
        self.assertIsNotNone(wake)

        symptoms = no_symptoms()
        symptoms.cough = True
        report = self.t.report_day(episode.id, tm.ReportInput(day=None, temperature="37,5", symptoms=symptoms,
                                                              note="ho nhẹ"))
        self.assertEqual(report.temperature_decidegrees, 375)
        self.assertEqual(report.day, today.isoformat())
        again = self.t.report_day(episode.id, tm.ReportInput(day=None, temperature="36.8", symptoms=no_symptoms(),
                                                             note=""))
        self.assertEqual(again.id, report.id, "a second report for the day replaces the first")
        self.assertEqual([r.temperature_decidegrees for r in self.t.reports(episode.id)], [368])
        self.assertEqual(self.t.day_statuses(episode.id)[0].status, "done")
        self.assertEqual(self.t.day_statuses(episode.id)[0].report_id, report.id)

        longer = self.t.extend_quarantine(episode.id, (end + datetime.timedelta(days=7)).isoformat())
        self.assertEqual(longer.expected_end, (end + datetime.timedelta(days=7)).isoformat())
        ended = self.t.end_quarantine(episode.id, (today + datetime.timedelta(days=2)).isoformat())
        self.assertEqual(ended.ended_on, (today + datetime.timedelta(days=2)).isoformat())

    def test_bad_health_input(self):
        me = self.me()
        today = datetime.datetime.now(VIETNAM).date()
        new = tm.NewEpisode(person_id=me.id, kind=tm.QuarantineKind.FACILITY, place="Ký túc xá",
                            start=today.isoformat(), expected_end=(today - datetime.timedelta(days=1)).isoformat())
        self.assertCode(tm.TokhaiError.Rejected, "episode_end_before_start", self.t.start_quarantine, new)
        for day in ("", "20/05/2026", "2026-02-30", "tomorrow"):
            new.expected_end = day
            self.assertCode(tm.TokhaiError.Invalid, "bad_day", self.t.start_quarantine, new)
        new.person_id = "nobody"
        self.assertCode(tm.TokhaiError.Invalid, "bad_id", self.t.start_quarantine, new)
        self.assertIsNone(self.t.current_episode(me.id, None))
        self.assertCode(tm.TokhaiError.Invalid, "bad_day", self.t.current_episode, me.id, "yesterday")
        episode = self.t.start_quarantine(tm.NewEpisode(
            person_id=me.id, kind=tm.QuarantineKind.LOCKED_DOWN_AREA, place=None, start=today.isoformat(),
            expected_end=(today + datetime.timedelta(days=6)).isoformat())).episode
        bad = tm.ReportInput(day=None, temperature="nóng", symptoms=no_symptoms(), note="")
        self.assertCode(tm.TokhaiError.Rejected, "temperature_format", self.t.report_day, episode.id, bad)
        bad.temperature = "45"
        self.assertCode(tm.TokhaiError.Rejected, "temperature_range", self.t.report_day, episode.id, bad)
        bad.temperature, bad.day = "", (today + datetime.timedelta(days=1)).isoformat()
        self.assertCode(tm.TokhaiError.Rejected, "report_day_in_future", self.t.report_day, episode.id, bad)
        bad.day = "someday"
        self.assertCode(tm.TokhaiError.Invalid, "bad_day", self.t.report_day, episode.id, bad)
        for call in (self.t.reports, self.t.day_statuses, self.t.next_reminder):
            self.assertCode(tm.TokhaiError.Invalid, "bad_id", call, "x")
        self.assertCode(tm.TokhaiError.Invalid, "bad_id", self.t.extend_quarantine, "x", today.isoformat())
        self.assertCode(tm.TokhaiError.Rejected, "episode_extension_not_later", self.t.extend_quarantine,
                        episode.id, today.isoformat())
        self.assertCode(tm.TokhaiError.Invalid, "bad_day", self.t.end_quarantine, episode.id, "")
        self.assertEqual(self.t.reports(episode.id), [])
        self.assertEqual(self.t.integrity_check(), "ok")


class Data(Case):
    def test_next_wakeup_follows_the_open_visit(self):
        self.assertIsNone(self.t.next_wakeup(), "nothing scheduled on a fresh device")
        self.me()
        checkin = self.t.check_in_code(ISSUER.checkpoint(601))
        wake = self.t.next_wakeup()
        self.assertEqual(wake.reason, tm.WakeupReason.AUTO_CHECK_OUT)
        self.assertEqual(wake.at, checkin.auto_check_out_at)
        self.t.check_out()
        self.assertIsNone(self.t.next_wakeup())

    def test_alerts_safety_levels_and_fallback_before_any_sync(self):
        self.me()
        self.assertEqual(self.t.alerts(), [])
        self.assertIsNone(self.t.safety_level(26743))
        self.assertIsNone(self.t.safety_level(0))
        self.assertCode(tm.TokhaiError.Rejected, "fallback_unknown", self.t.check_in_fallback,
                        ISSUER.fallback(601))
        for bad, code in (("", "fallback_length"), ("!!!!-!!!!", "fallback_char"), ("1", "fallback_length")):
            self.assertCode(tm.TokhaiError.Invalid, code, self.t.check_in_fallback, bad)
        typo = ISSUER.fallback(601)
        typo = typo[:-1] + ("0" if typo[-1] != "0" else "1")
        self.assertCode(tm.TokhaiError.Invalid, "fallback_check", self.t.check_in_fallback, typo)
        self.assertEqual(self.t.visits(), [])

    def test_export_then_wipe(self):
        self.me()
        self.t.check_in_code(ISSUER.checkpoint(602))
        export = json.loads(self.t.export_json())
        self.assertEqual(len(export["persons"]), 1)
        self.assertEqual(export["persons"][0]["declarations"][0]["declaration"]["full_name"], "NGUYỄN THỊ MAI")
        self.assertEqual(len(export["visits"]), 1)
        self.assertTrue(os.listdir(self.dir))
        self.t.wipe()
        self.assertEqual(self.keys.secrets, {}, "the key left the platform key store")
        self.assertFalse([f for f in os.listdir(self.dir) if f.startswith("tokhai")], os.listdir(self.dir))
        for call in (self.t.visits, self.t.family, self.t.export_json, self.t.wipe, self.t.next_wakeup,
                     self.t.personal_code, self.t.alerts, self.t.wake):
            self.assertCode(tm.TokhaiError.Rejected, "wiped", call)
        fresh = tm.Tokhai.open(self.dir, self.keys)
        self.assertEqual(fresh.visits(), [], "opening again starts afresh")
        self.assertEqual(len(self.keys.secrets), 1)


class FixedClock(tm.Clock):
    """The platform's clock as a test gives it: a settable instant."""

    def __init__(self, at):
        self.at = at

    def now_ms(self):
        return int(self.at.timestamp() * 1000)


class RaisingClock(tm.Clock):
    """A clock whose platform code has a bug."""

    def now_ms(self):
        raise RuntimeError("bug in the platform code")


def utc(t):
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


class Wake(unittest.TestCase):
    """`open_with_clock` and `wake`: what a background scheduler does at `next_wakeup`, at the engine's time."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = os.path.join(tmp.name, "data")
        self.clock = FixedClock(datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0))
        self.t = tm.Tokhai.open_with_clock(self.dir, MemoryKeyStore(), self.clock)
        self.t.add_trust_list(ISSUER.trust_json)
        self.t.declare(form())
        (self.me,) = [m for m in self.t.family() if m.relation == tm.Relation.MYSELF]

    def test_the_stay_runs_out_while_the_app_is_closed(self):
        checkin = self.t.check_in_code(ISSUER.checkpoint(611))
        self.assertEqual(utc(checkin.visit.checked_in_at), self.clock.at, "the visit is dated by the given clock")
        nothing = self.t.wake()
        self.assertIsNone(nothing.auto_checked_out)
        self.assertEqual(nothing.next.reason, tm.WakeupReason.AUTO_CHECK_OUT)
        self.clock.at = utc(checkin.auto_check_out_at) + datetime.timedelta(minutes=1)
        report = self.t.wake()
        self.assertEqual(report.auto_checked_out.id, checkin.visit.id)
        self.assertEqual(report.auto_checked_out.end, "auto")
        self.assertEqual(report.reminders_due, [])
        self.assertIsNone(report.next, "nothing left to do")
        self.assertIsNone(self.t.wake().auto_checked_out, "done once")
        (visit,) = self.t.visits()
        self.assertEqual(utc(visit.checked_out_at), utc(checkin.auto_check_out_at))

    def test_a_due_health_report_is_told_once(self):
        today = self.clock.at.astimezone(VIETNAM).date()
        episode = self.t.start_quarantine(tm.NewEpisode(
            person_id=self.me.id, kind=tm.QuarantineKind.HOME, place=None, start=today.isoformat(),
            expected_end=(today + datetime.timedelta(days=13)).isoformat())).episode
        self.assertEqual(self.t.wake().reminders_due, [], "the first wake-up only starts the count")
        at = utc(self.t.next_reminder(episode.id))
        self.clock.at = at + datetime.timedelta(minutes=5)
        report = self.t.wake()
        self.assertEqual([(r.episode_id, utc(r.at)) for r in report.reminders_due], [(episode.id, at)])
        self.assertEqual(self.t.wake().reminders_due, [], "told once")
        self.assertIsNotNone(report.next)

    def test_a_clock_that_fails_is_an_error_not_a_crash(self):
        with self.assertRaises(tm.TokhaiError) as caught:
            broken = tm.Tokhai.open_with_clock(os.path.join(self.dir, "other"), MemoryKeyStore(), RaisingClock())
            broken.add_trust_list(ISSUER.trust_json)
            broken.declare(form())
            broken.check_in_code(ISSUER.checkpoint(612))
        self.assertTrue(caught.exception.code)
        self.assertEqual(self.t.integrity_check(), "ok")


if __name__ == "__main__":
    unittest.main()
