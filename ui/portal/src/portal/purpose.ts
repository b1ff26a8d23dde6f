// An officer's purpose, as core checks it (core/src/officer.rs, check_purpose): `REASON: details`, the
// reason one of PURPOSE_REASONS, the details 10 to 200 characters with a letter.
import { both, type Bilingual } from './i18n.svelte';

export const REASONS = [
  'case_investigation',
  'contact_tracing',
  'outbreak_response',
  'quarantine_follow_up',
  'data_correction',
] as const;
export type Reason = (typeof REASONS)[number];
export const MIN_DETAIL_CHARS = 10;
export const MAX_DETAIL_CHARS = 200;

/** The officer's words checked before sending (the server checks again). */
export function checkDetails(details: string): Bilingual | null {
  const d = details.trim();
  if (!d) return both('error.required');
  const n = [...d].length;
  if (n < MIN_DETAIL_CHARS || n > MAX_DETAIL_CHARS || !/\p{L}/u.test(d) || /\p{Cc}/u.test(d))
    return both('error.purpose', { min: MIN_DETAIL_CHARS, max: MAX_DETAIL_CHARS });
  return null;
}

/** The purpose as the server takes it. */
export function purposeText(reason: string, details: string): string {
  return `${reason}: ${details.trim()}`;
}

/** An audit entry's purpose split into its reason (when it is one of core's) and the officer's words. */
export function splitPurpose(text: string): { reason: Reason | null; details: string } {
  const i = text.indexOf(':');
  const r = i > 0 ? text.slice(0, i).trim() : '';
  return (REASONS as readonly string[]).includes(r)
    ? { reason: r as Reason, details: text.slice(i + 1).trim() }
    : { reason: null, details: text };
}
