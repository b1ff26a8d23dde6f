// The server's answers the portal reads (server/src/routes; docs/api.md).
export interface CheckpointView {
  id: number;
  parent: number | null;
  root: number;
  name: string;
  kind: string;
  scheme: string;
  province: number;
  district: number | null;
  ward: number;
  latitude: number | null;
  longitude: number | null;
  street: string;
  description: string;
  default_stay_minutes: number | null;
  fallback_code: string;
  active: boolean;
  code: string;
  created_at: string;
}
export interface Arrival {
  checkpoint: number;
  checked_in_at: string;
  checked_out_at: string | null;
  end: string;
  source: string;
}
