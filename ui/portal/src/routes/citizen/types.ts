// The server's answers for the citizen pages (server/src/routes/citizen.rs; docs/api.md).

/** The Ministry of Health form as typed (`tokhai_core::DeclarationForm`): every answer a string. One
 *  definition for the app and the portal. */
import type { DeclarationForm } from '$lib/api/types';
export type { DeclarationForm };

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
