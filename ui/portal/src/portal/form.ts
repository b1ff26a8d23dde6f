// Where a server's refusal goes: next to the field it names, else above the button.
import { ApiError } from './api';
import { both, type Bilingual } from './i18n.svelte';

export type Errors = Record<string, Bilingual | null>;

/** Keeps only the fields that have an error. */
export function only(e: Errors): Errors {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v));
}

/** Splits an error into a field's message (`aliases` maps the server's field names to the form's). */
export function placeError(e: unknown, aliases: Record<string, string> = {}): { fields: Errors; general: Bilingual | null } {
  if (!(e instanceof ApiError)) return { fields: {}, general: both('error.unexpected') };
  if (e.fields.length) {
    // Every invalid field of a form (a declaration): the first message of each, next to it.
    const fields: Errors = {};
    for (const f of e.fields) {
      const name = aliases[f.field] ?? aliases[f.field.replace(/\[\d+\]$/, '')] ?? f.field.replace(/\[\d+\]$/, '');
      fields[name] ??= f.msg;
    }
    return { fields, general: null };
  }
  if (e.field) return { fields: { [aliases[e.field] ?? e.field]: e.msg }, general: null };
  if (['invalid_phone', 'phone_not_mobile'].includes(e.code) && aliases.phone !== undefined)
    return { fields: { [aliases.phone]: e.msg }, general: null };
  return { fields: {}, general: e.msg };
}

/** A Vietnam-time `datetime-local` value as an RFC 3339 instant. */
export function vnInstant(local: string): string {
  return new Date(`${local.length === 16 ? `${local}:00` : local}+07:00`).toISOString();
}

/** Saves `data` as a file. */
export function saveFile(data: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(data);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
