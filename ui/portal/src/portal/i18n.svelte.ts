// The portal's messages on the shared i18n layer (`$lib/i18n`: the language, core's bilingual messages,
// Vietnam-time formatting). Its own catalogues keep the app's bundle from growing; the same checks apply
// (ui/test/unit/portal-i18n.test.js).
import { i18n, tr, time, dateTime, day, type Lang, type Bilingual } from '$lib/i18n/index.svelte';
import vi from './vi.json';
import en from './en.json';

export type Key = keyof typeof vi;
const catalogues: Record<Lang, Record<Key, string>> = { vi, en: en satisfies Record<Key, string> };

export { i18n, tr, time, dateTime, day, type Lang, type Bilingual };

/** The text of `key` in the current language, with `{name}` parameters filled in. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = catalogues[i18n.lang][key] ?? catalogues.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** The same text in both languages (for a message shown next to a field). */
export function both(key: Key, params: Record<string, string | number> = {}): Bilingual {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  return { vi: fill(vi[key]), en: fill(en[key]) };
}

const STORED = 'tokhai.portal.lang';
export function loadLang() {
  try {
    const saved = localStorage.getItem(STORED);
    if (saved === 'vi' || saved === 'en') i18n.lang = saved;
    else i18n.lang = 'vi';
  } catch {
    i18n.lang = 'vi';
  }
}
export function setLang(lang: Lang) {
  i18n.lang = lang;
  try {
    localStorage.setItem(STORED, lang);
  } catch {
    /* private mode */
  }
}
