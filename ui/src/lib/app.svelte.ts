// The app's session state shared by the screens: status, the family, whose screens these are, the
// sync line; refreshed on the shell's events.
import { goto } from '$app/navigation';
import { api, onChanged, onSync, type AppStatus, type PersonView, type SyncStatus } from './api';
import { i18n } from './i18n/index.svelte';

class AppSession {
  status = $state<AppStatus | null>(null);
  persons = $state<PersonView[]>([]);
  personId = $state<string | null>(null);
  sync = $state<SyncStatus | null>(null);
  /** Bumped when data changed in the background: screens re-read on it. */
  version = $state(0);
  private listening = false;

  get person(): PersonView | null {
    return this.persons.find((p) => p.id === this.personId) ?? this.persons[0] ?? null;
  }

  async load(): Promise<AppStatus> {
    const status = await api.appStatus();
    this.status = status;
    i18n.lang = status.settings.lang;
    if (status.unlocked) await this.afterUnlock();
    return status;
  }

  async afterUnlock(): Promise<void> {
    await this.refreshPersons();
    this.sync = await api.syncStatus().catch(() => null);
    if (!this.listening) {
      this.listening = true;
      await onSync((s) => {
        this.sync = s;
      });
      await onChanged(() => {
        this.version += 1;
        void this.refreshPersons();
      });
      window.addEventListener('online', () => void api.syncNow().catch(() => {}));
    }
  }

  async refreshPersons(): Promise<void> {
    this.persons = await api.persons();
    if (!this.persons.some((p) => p.id === this.personId)) {
      this.personId = this.persons.find((p) => p.relation === 'myself')?.id ?? this.persons[0]?.id ?? null;
    }
  }

  /** Where the app opens: first run, unlock, the first declaration, or home. */
  async route(): Promise<void> {
    const status = await this.load();
    if (!status.set_up) return goto('/welcome', { replaceState: true });
    if (!status.unlocked) return goto('/unlock', { replaceState: true });
    if (status.settings.mode === 'staff') return goto('/staff', { replaceState: true });
    if (this.persons.length === 0) return goto('/declare', { replaceState: true });
    return goto('/home', { replaceState: true });
  }
}

export const session = new AppSession();
