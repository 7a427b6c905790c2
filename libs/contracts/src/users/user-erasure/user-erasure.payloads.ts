import { IsISO8601 } from 'class-validator';

// scheduler -> core (a command, no reply): erase every user soft-deleted before `deleted_before` and not erased yet.
// Erasing is idempotent, so the same tick served twice (two replicas, a redelivery) changes nothing the second time.
export class ScheduledUserErasurePayload {
  @IsISO8601({ strict: true }) tick_at: string;
  @IsISO8601({ strict: true }) deleted_before: string;
}

// core's count of one sweep (logged; the admin route answers 204).
export interface UserErasureSweep {
  erased: number;
}
