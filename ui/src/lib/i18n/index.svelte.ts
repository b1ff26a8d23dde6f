// The shared i18n layer of the app and the web portal: typed message keys (a key missing from the
// Vietnamese catalogue is a type error, one missing from English a type error and a failed unit test),
// `{name}` parameters, and core's bilingual messages ({vi, en}) shown in the chosen language.
import vi from './vi.json';
import en from './en.json';

export type Lang = 'vi' | 'en';
export type Key = keyof typeof vi;
/** A message from core: both languages. */
export interface Bilingual {
  vi: string;
  en: string;
}

const catalogues: Record<Lang, Record<Key, string>> = { vi, en: en satisfies Record<Key, string> };

let current = $state<Lang>('vi');

export const i18n = {
  get lang(): Lang {
    return current;
  },
  set lang(next: Lang) {
    current = next;
    if (typeof document !== 'undefined') document.documentElement.lang = next;
  },
};

/** The text of `key` in the current language, with `{name}` parameters filled in. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = catalogues[current][key] ?? catalogues.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Core's message in the current language. */
export function tr(msg: Bilingual | null | undefined): string {
  if (!msg) return '';
  return current === 'en' ? msg.en : msg.vi;
}

const locales: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

/** A time of day in Vietnam's zone ("14:05"). Vietnam keeps UTC+7 all year (no summer time), so this is
 *  plain arithmetic: the same text as `toLocaleTimeString` with `timeZone: 'Asia/Ho_Chi_Minh'` in both
 *  languages, without the time-zone data a browser loads on its first such call (tens of milliseconds of a
 *  phone's main thread on the portal's dashboard). */
export function time(iso: string | null | undefined): string {
  if (!iso) return '';
  const at = new Date(new Date(iso).getTime() + 7 * 3600_000);
  if (Number.isNaN(at.getTime())) return '';
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

/** A date and time ("20/05/2026 14:05"). */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(locales[current], {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Ho_Chi_Minh',
  });
}

/** A calendar day ("2026-05-20" → "20/05"). */
export function day(isoDay: string): string {
  const [, m, d] = isoDay.split('-');
  return `${d}/${m}`;
}
