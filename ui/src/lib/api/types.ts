// The shapes the shell's commands answer with (src-tauri/src/commands/). When core's use-case API lands,
// its generated types in ../../generated/ replace these one by one.
import type { Bilingual, Lang } from '../i18n/index.svelte';

export interface FieldMsg {
  field: string;
  code: string;
  message: Bilingual;
}
/** The one error shape of every command. */
export interface AppError {
  code: string;
  message: Bilingual;
  fields: FieldMsg[];
}
export type KeyMethod = 'os_key_store' | 'passphrase';
export type Mode = 'citizen' | 'staff';
export interface Settings {
  lang: Lang;
  key_method: KeyMethod | null;
  server: string;
  mode: Mode;
}
export interface AppStatus {
  set_up: boolean;
  unlocked: boolean;
  settings: Settings;
  version: string;
}
export type Relation = 'myself' | 'child' | 'parent' | 'spouse' | 'other';
export type Freshness =
  | { state: 'missing' }
  | { state: 'fresh'; declaration: string; stale_at: string }
  | { state: 'stale'; declaration: string; since: string };
export interface PersonView {
  id: string;
  relation: Relation;
  relation_label: Bilingual;
  name: string | null;
  freshness: Freshness;
}
export interface Symptoms {
  fever: boolean;
  cough: boolean;
  shortness_of_breath: boolean;
  pneumonia: boolean;
  sore_throat: boolean;
  fatigue: boolean;
  loss_of_taste_or_smell: boolean;
  other: string | null;
}
export interface Exposure {
  confirmed_or_suspected_case: boolean;
  person_from_country_with_cases: boolean;
  person_with_symptoms: boolean;
}
export interface AddressForm {
  scheme: string;
  province: string;
  district: string;
  ward: string;
  street: string;
}
export interface DeclarationForm {
  full_name: string;
  id_kind: string;
  id_number: string;
  birth_year: string;
  sex: string;
  nationality: string;
  address: AddressForm;
  phone: string;
  email: string;
  travel: string[];
  symptoms: Symptoms;
  exposure: Exposure;
  chronic_conditions: string[];
  pregnant: boolean | null;
}
export interface UnitHit {
  code: number;
  name: string;
  full_name: string;
}
export type PersonalStatus = 'no_symptoms' | 'symptoms' | 'exposure' | 'in_quarantine';
export interface PersonalView {
  text: string;
  svg: string;
  signed: boolean;
  status: PersonalStatus;
  status_label: Bilingual;
  initials: string;
  birth_year: number | null;
  expires_at: string;
}
export interface CheckpointRef {
  id: number;
  parent: number | null;
  name: string;
  kind: string;
  ward: number;
  street: string;
  default_stay_minutes: number | null;
}
export type VisitEnd = 'open' | 'checked_out' | 'auto' | 'next_check_in' | 'by_checkpoint';
export interface Visit {
  id: string;
  checkpoint: CheckpointRef;
  checked_in_at: string;
  checked_out_at: string | null;
  end: VisitEnd;
  edited: boolean;
}
export interface CheckInView {
  visit: Visit;
  closed: Visit | null;
  repeat: boolean;
  ward_name: string | null;
}
export interface Refusal {
  entry: string;
  change: string;
  code: string;
  message: Bilingual;
}
export interface SyncStatus {
  pending: number;
  refused: Refusal[];
  signed_in: boolean;
  session_expires_at: string | null;
  last_success: string | null;
  last_error: { code: string; message: Bilingual } | null;
  last_error_at: string | null;
  next_attempt: string | null;
  flagged_visits: number;
  /** Pulled feed entries of a known kind this build could not read (update the app). */
  skipped_entries: number;
  alerts: number;
}
export interface Alert {
  window: number;
  visit: string;
  checkpoint: number;
  place: string;
  visit_from: string;
  visit_to: string;
  overlap_from: string;
  overlap_to: string;
  overlap_minutes: number;
  day: string;
  advice: string;
}
export type DayStatus = 'upcoming' | 'due' | 'done' | 'done_late' | 'late' | 'missed' | 'expired';
export interface DayState {
  day: string;
  status: DayStatus;
  report: string | null;
}
export interface Home {
  open_visit: Visit | null;
  open_visit_ward: string | null;
  auto_check_out_at: string | null;
  due_reports: { person: string; episode: string; today: DayState }[];
  alerts: Alert[];
  sync: SyncStatus;
}
export type QuarantineKind = 'facility' | 'home' | 'locked_down_area';
export interface QuarantineEpisode {
  id: string;
  person: string;
  kind: QuarantineKind;
  place: string | null;
  start: string;
  expected_end: string;
  ended_on: string | null;
  utc_offset_minutes: number;
}
export interface EpisodeView {
  episode: QuarantineEpisode;
  days: DayState[];
  reports: unknown[];
  next_reminder: string | null;
}
export interface LevelView {
  ward: number;
  ward_name: string | null;
  level: number;
  updated_at: string;
}
export interface AlertsView {
  alerts: Alert[];
  levels: LevelView[];
}
export interface FrameStats {
  submitted: number;
  dropped: number;
  scanned: number;
  elapsed_ms: number;
}
export interface VisitorView {
  initials: string;
  birth_year: number | null;
  status: PersonalStatus;
  status_label: Bilingual;
  count: number;
}
export type FrameAnswer =
  | { state: 'scanning'; stats: FrameStats }
  | { state: 'checked_in'; check_in: CheckInView }
  | { state: 'visitor'; visitor: VisitorView }
  | { state: 'refused'; error: AppError };
