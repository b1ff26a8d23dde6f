// The server's answers for the citizen pages (server/src/routes/citizen.rs; docs/api.md).

/** The Ministry of Health form as typed (`tokhai_core::DeclarationForm`): every answer a string. */
export interface DeclarationForm {
  full_name: string;
  id_kind: string;
  id_number: string;
  birth_year: string;
  sex: string;
  nationality: string;
  address: { scheme: string; province: string; district: string; ward: string; street: string };
  phone: string;
  email: string;
  travel: string[];
  symptoms: {
    fever: boolean;
    cough: boolean;
    shortness_of_breath: boolean;
    pneumonia: boolean;
    sore_throat: boolean;
    fatigue: boolean;
    loss_of_taste_or_smell: boolean;
    other: string | null;
  };
  exposure: { confirmed_or_suspected_case: boolean; person_from_country_with_cases: boolean; person_with_symptoms: boolean };
  chronic_conditions: string[];
  pregnant: boolean | null;
}

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
