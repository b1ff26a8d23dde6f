// The one place the UI calls the shell: a typed function per command. Errors come back as `AppError`
// ({code, message {vi, en}, fields}); `isAppError` tells them from anything else.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type * as T from './types';
import type { Lang } from '../i18n/index.svelte';

export type * from './types';

export function isAppError(e: unknown): e is T.AppError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/** Any failure as an AppError (an IPC failure becomes `ipc_failed`). */
export function asAppError(e: unknown): T.AppError {
  if (isAppError(e)) return e;
  return {
    code: 'ipc_failed',
    message: { vi: 'Ứng dụng gặp lỗi nội bộ. Hãy thử lại.', en: 'Something went wrong inside the app. Try again.' },
    fields: [],
  };
}

const call = <R>(cmd: string, args?: Record<string, unknown>) => invoke<R>(cmd, args);

/** Raw bytes as the request body (no base64, no JSON), with headers. */
const raw = <R>(cmd: string, bytes: Uint8Array, headers: Record<string, string> = {}) =>
  invoke<R>(cmd, bytes, { headers });

export const api = {
  appStatus: () => call<T.AppStatus>('app_status'),
  setUp: (method: T.KeyMethod, passphrase?: string) =>
    call<T.AppStatus>('set_up', { request: { method, passphrase: passphrase ?? null } }),
  unlock: (passphrase?: string) => call<T.AppStatus>('unlock', { passphrase: passphrase ?? null }),
  setLanguage: (lang: Lang) => call<T.Settings>('set_language', { lang }),
  setMode: (mode: T.Mode) => call<T.Settings>('set_mode', { mode }),
  setServer: (server: string) => call<T.Settings>('set_server', { server }),

  persons: () => call<T.PersonView[]>('persons'),
  declarationForm: (person: string) => call<T.DeclarationForm | null>('declaration_form', { person }),
  declare: (form: T.DeclarationForm, person: string | null, relation: T.Relation) =>
    call<string>('declare', { request: { person, relation, form } }),
  checkDeclaration: (relation: T.Relation, form: T.DeclarationForm) =>
    call<null>('check_declaration', { relation, form }),
  removePerson: (person: string) => call<null>('remove_person', { person }),
  searchUnits: (query: string, province: number | null) =>
    call<T.UnitHit[]>('search_units', { query, province }),
  personalCode: (person: string) => call<T.PersonalView>('personal_code', { person }),
  savePersonalCard: (person: string) => call<string>('save_personal_card', { person }),

  home: () => call<T.Home>('home'),
  checkInCode: (text: string) => call<T.CheckInView>('check_in_code', { text }),
  checkInFallback: (code: string) => call<T.CheckInView>('check_in_fallback', { code }),
  checkInImage: (bytes: Uint8Array) => raw<T.CheckInView>('check_in_image', bytes),
  checkOut: () => call<T.Visit>('check_out'),
  visits: () => call<T.Visit[]>('visits'),
  editVisit: (id: string, checked_in_at: string, checked_out_at: string | null) =>
    call<T.Visit>('edit_visit', { id, edit: { checked_in_at, checked_out_at } }),

  cameraStart: (purpose: 'check_in' | 'staff') => call<null>('camera_start', { purpose }),
  cameraStop: () => call<T.FrameStats | null>('camera_stop'),
  cameraFrame: (pixels: Uint8Array, width: number, height: number) =>
    raw<T.FrameAnswer>('camera_frame', pixels, {
      'x-frame-width': String(width),
      'x-frame-height': String(height),
      'x-frame-format': 'rgba',
    }),

  episodes: (person: string) => call<T.EpisodeView[]>('episodes', { person }),
  startQuarantine: (episode: Omit<T.QuarantineEpisode, 'id' | 'ended_on'>) =>
    call<T.QuarantineEpisode>('start_quarantine', { episode }),
  reportDay: (episode: string, report: { day: string | null; temperature: string; symptoms: T.Symptoms; note: string }) =>
    call<unknown>('report_day', { episode, report }),

  requestCode: (phone: string) => call<null>('request_code', { phone }),
  signIn: (phone: string, code: string) => call<T.SyncStatus>('sign_in', { phone, code }),
  signOut: () => call<T.SyncStatus>('sign_out'),
  syncStatus: () => call<T.SyncStatus>('sync_status'),
  syncNow: () => call<null>('sync_now'),
  alerts: () => call<T.AlertsView>('alerts'),

  exportData: () => call<string>('export_data'),
  wipe: (confirm: string) => call<null>('wipe', { confirm }),
};

/** The shell's events: `sync` (status after each run), `changed` (data changed in the background). */
export function onSync(f: (s: T.SyncStatus | null) => void): Promise<UnlistenFn> {
  return listen<T.SyncStatus | null>('sync', (e) => f(e.payload));
}
export function onChanged(f: () => void): Promise<UnlistenFn> {
  return listen('changed', () => f());
}
