import { v5 as uuidv5 } from 'uuid';

// The namespace of the name-based (v5) provider event ids: `${base_plan_id}:${plan_id}` -> always the same id,
// across syncs, restarts and replicas.
const PROVIDER_EVENT_ID_NAMESPACE = 'b7f0e7a4-2f55-4b8e-9d0c-4c1f6a3e2d19';

export function providerEventId(basePlanId: string, planId: string): string {
  return uuidv5(`${basePlanId}:${planId}`, PROVIDER_EVENT_ID_NAMESPACE);
}

// One event of GET /events/search, as the contract writes it: dates and times in the provider's time zone.
export interface ProviderEventView {
  id: string;
  title: string;
  start_date: string; // YYYY-MM-DD
  start_time: string; // HH:MM:SS
  end_date: string;
  end_time: string;
  min_price: number;
  max_price: number;
}
