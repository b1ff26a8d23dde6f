// The browser's session: who is signed in (roles from the server), loaded once per tab from the cookie.
import { get, post, setCsrf, whenSignedOut, ApiError } from './api';

export interface Account {
  id: number;
  subject: string;
  roles: string[];
}
interface WebSession {
  csrf: string;
  expires_at: string | null;
  account: Account;
}

let account = $state<Account | null>(null);
let loaded = $state(false);
/** Set when the server ended the session under our feet (another tab signed out, it expired). */
let ended = $state(false);

function adopt(s: WebSession) {
  setCsrf(s.csrf);
  account = s.account;
  ended = false;
  loaded = true;
}

whenSignedOut(() => {
  if (account) ended = true;
  account = null;
  setCsrf('');
});

export const session = {
  get account() {
    return account;
  },
  get loaded() {
    return loaded;
  },
  get ended() {
    return ended;
  },
  has(role: string) {
    return account?.roles.includes(role) ?? false;
  },
  async load() {
    try {
      adopt(await get<WebSession>('/v1/web/session'));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      account = null;
      loaded = true;
    }
  },
  async requestCode(phone: string, captcha?: { id: string; answer: string }) {
    await post('/v1/auth/otp', captcha ? { phone, captcha_id: captcha.id, captcha_answer: captcha.answer } : { phone });
  },
  async signIn(phone: string, code: string) {
    adopt(await post<WebSession>('/v1/web/session', { phone, code }));
  },
  async refresh() {
    adopt(await get<WebSession>('/v1/web/session'));
  },
  async signOut(everywhere = false) {
    try {
      await post(everywhere ? '/v1/web/logout-all' : '/v1/web/logout');
    } finally {
      account = null;
      ended = false;
      setCsrf('');
    }
  },
};
