// Checks the portal makes before sending, with a message for the field in both languages. The server
// checks again with core's rules; its answer is shown the same way.
import { both, type Bilingual } from './i18n.svelte';

/** A Vietnamese phone number: 0 and 9 digits, or +84 and 9 digits (spaces and dots allowed). */
export function checkPhone(phone: string): Bilingual | null {
  const p = phone.replace(/[\s.-]/g, '');
  if (!p) return both('error.required');
  if (!/^(0|\+84|84)\d{9}$/.test(p)) return both('error.phone');
  return null;
}

export function required(value: string): Bilingual | null {
  return value.trim() ? null : both('error.required');
}

/** A number in [min, max], or empty when optional. */
export function checkNumber(value: string, min: number, max: number, optional = true): Bilingual | null {
  const v = value.trim().replace(',', '.');
  if (!v) return optional ? null : both('error.required');
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) return both('error.range', { min, max });
  return null;
}

/** A calendar day `YYYY-MM-DD`. */
export function checkDay(value: string, optional = false): Bilingual | null {
  if (!value) return optional ? null : both('error.required');
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? null : both('error.day');
}
