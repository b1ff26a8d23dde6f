// An empty declaration form as both front ends start it (the app's declare screen, the portal's citizen
// form): a citizen's document, Vietnamese nationality, the 2025 unit list. No Tauri import: the portal
// uses it too.
import type { DeclarationForm } from './types';

export function blankDeclaration(): DeclarationForm {
  return {
    full_name: '',
    id_kind: 'cccd',
    id_number: '',
    birth_year: '',
    sex: '',
    nationality: 'VN',
    address: { scheme: '2025', province: '', district: '', ward: '', street: '' },
    phone: '',
    email: '',
    travel: [],
    symptoms: { fever: false, cough: false, shortness_of_breath: false, pneumonia: false, sore_throat: false, fatigue: false, loss_of_taste_or_smell: false, other: null },
    exposure: { confirmed_or_suspected_case: false, person_from_country_with_cases: false, person_with_symptoms: false },
    chronic_conditions: [],
    pregnant: null,
  };
}
