// The server's answers for the citizen pages (server/src/routes/citizen.rs; docs/api.md).

/** The Ministry of Health form as typed (`tokhai_core::DeclarationForm`): every answer a string. One
 *  definition for the app and the portal. */
import type { DeclarationForm, QuarantineEpisode, QuarantineKind, Symptoms } from '$lib/api/types';
// Core's health types, as the app's shell and the server both send them: one definition.
export type { DeclarationForm, QuarantineEpisode, QuarantineKind, Symptoms };

/** One person of the account with their current declaration (`GET /v1/me/people`). */
export interface PersonView {
  person: string;
  holder: boolean;
  full_name: string;
  birth_year: number;
  declared_at: string;
  stale_at: string;
  /** Still fresh by the server's clock (a card can be printed). */
  fresh: boolean;
  has_symptoms: boolean;
  form: DeclarationForm;
}

/** One day of an episode (`tokhai_core::protocol::EpisodeDay`). */
export interface EpisodeDay {
  day: string;
  status: 'upcoming' | 'due' | 'done' | 'done_late' | 'late' | 'missed' | 'expired' | string;
  reported_at: string | null;
}

/** `GET /v1/me/quarantine` (`tokhai_core::protocol::MyQuarantine`): today by the server's clock, the episodes. */
export interface MyQuarantine {
  today: string;
  episodes: MyEpisode[];
}

/** An episode of a person of the account (`tokhai_core::protocol::MyEpisode`). */
export interface MyEpisode {
  full_name: string;
  episode: QuarantineEpisode;
  open: boolean;
  today: string;
  /** Days a report can be made for now, newest first. */
  reportable: string[];
  days: EpisodeDay[];
}

/** The answer to a quarantine order (`tokhai_core::protocol::QuarantineStarted`). */
export interface QuarantineStarted {
  episode: QuarantineEpisode;
  extended: boolean;
}
