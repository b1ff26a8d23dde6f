// System notifications through the official notification plugin: the open visit (with its automatic
// check-out time), a reminder 15 minutes before the automatic check-out, and the day's health report.
// Desktop timers run while the app runs (in the background too); phones will take the schedule from
// core's next wake-up through the plugin's scheduled notifications.
import { isPermissionGranted, requestPermission, sendNotification } from '@tauri-apps/plugin-notification';
import type { Home } from './api';
import { t, time } from './i18n/index.svelte';

const REMIND_BEFORE_MS = 15 * 60_000;
let lastVisit: string | null = null;
let reminder: ReturnType<typeof setTimeout> | null = null;
let reportNotified = '';

async function allowed(): Promise<boolean> {
  try {
    if (await isPermissionGranted()) return true;
    return (await requestPermission()) === 'granted';
  } catch {
    return false; // no notification service here: the screens still show everything
  }
}

function notify(title: string, body: string): void {
  try {
    sendNotification({ title, body });
  } catch {
    /* notifications unavailable */
  }
}

export async function notifyOpenVisit(home: Home): Promise<void> {
  const visit = home.open_visit;
  if (!visit) {
    if (reminder) clearTimeout(reminder);
    reminder = null;
    lastVisit = null;
  } else if (visit.id !== lastVisit && (await allowed())) {
    lastVisit = visit.id;
    notify(
      t('notify.openTitle', { place: visit.checkpoint.name }),
      home.auto_check_out_at ? t('notify.openBody', { time: time(home.auto_check_out_at) }) : t('notify.openBodyNoAuto'),
    );
    if (reminder) clearTimeout(reminder);
    reminder = null;
    if (home.auto_check_out_at) {
      const at = new Date(home.auto_check_out_at).getTime() - REMIND_BEFORE_MS - Date.now();
      if (at > 0) {
        const auto = home.auto_check_out_at;
        reminder = setTimeout(() => notify(t('notify.soonTitle'), t('notify.soonBody', { time: time(auto) })), at);
      }
    }
  }
  const due = home.due_reports[0];
  if (due && reportNotified !== due.today.day && (await allowed())) {
    reportNotified = due.today.day;
    notify(t('notify.reportTitle'), t('notify.reportBody'));
  }
}
