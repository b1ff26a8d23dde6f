// The portal's one way to the server: same-origin fetch to the JSON API, the session in an HttpOnly cookie
// the page cannot read, and the session's CSRF token in `X-CSRF-Token` on every request that changes state.
import type { Bilingual } from '$lib/i18n/index.svelte';

/** An error the server answered (or a network failure, code `network`). */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    public msg: Bilingual,
    public field: string | null = null,
    public caseId: number | null = null,
    /** Every invalid field of a declaration form (core's rules), in form order. */
    public fields: { field: string; msg: Bilingual }[] = [],
  ) {
    super(code);
  }
}

let csrf = '';
/** Called when the server says the session is gone (signed out elsewhere, expired). */
let onSignedOut: (() => void) | null = null;

export function setCsrf(token: string) {
  csrf = token;
}
export function whenSignedOut(f: () => void) {
  onSignedOut = f;
}

const offline: Bilingual = {
  vi: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại; những gì bạn đã nhập vẫn còn.',
  en: 'Cannot reach the server. Check the network and try again; what you typed is kept.',
};

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let resp: Response;
  try {
    resp = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', offline);
  }
  if (!resp.ok) {
    let detail: {
      code?: string;
      vi?: string;
      en?: string;
      field?: string;
      case_id?: number;
      errors?: { field: string; vi: string; en: string }[];
    } = {};
    try {
      detail = (await resp.json()).error ?? {};
    } catch {
      /* not JSON */
    }
    const err = new ApiError(
      resp.status,
      detail.code ?? 'internal',
      { vi: detail.vi ?? `Lỗi ${resp.status}`, en: detail.en ?? `Error ${resp.status}` },
      detail.field ?? null,
      detail.case_id ?? null,
      (detail.errors ?? []).map((e) => ({ field: e.field, msg: { vi: e.vi, en: e.en } })),
    );
    if (resp.status === 401 && !path.startsWith('/v1/web/session') && !path.startsWith('/v1/auth/')) onSignedOut?.();
    throw err;
  }
  return resp;
}

export async function get<T>(path: string): Promise<T> {
  return (await send('GET', path)).json() as Promise<T>;
}
export async function post<T>(path: string, body?: unknown): Promise<T> {
  const r = await send('POST', path, body ?? {});
  return (r.status === 204 ? null : r.json()) as Promise<T>;
}
export async function put<T>(path: string, body: unknown): Promise<T> {
  const r = await send('PUT', path, body);
  return (r.status === 204 ? null : r.json()) as Promise<T>;
}
export async function del<T>(path: string): Promise<T> {
  return (await send('DELETE', path)).json() as Promise<T>;
}
/** A file (poster PDF, CSV) as a blob. */
export async function blob(path: string): Promise<Blob> {
  return (await send('GET', path)).blob();
}

/** `?a=1&b=2` from the defined values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
