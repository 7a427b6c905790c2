import { Injectable, Logger } from '@nestjs/common';
import { UserErasureSweep } from '@app/contracts';
import { UserErasureRepository } from '@app/persistence';
import { EraseUserUseCase } from './erase-user.use-case';

// The most users one sweep erases; the rest wait for the next tick (each erasure is its own transaction).
export const ERASURE_SWEEP_LIMIT = 500;

// The scheduler's sweep: every user soft-deleted before the cutoff (now - USER_ERASURE_GRACE) and not erased yet.
// Several replicas' commands for one tick, or a redelivery, are harmless: an erased user is no longer due, and
// two sweeps racing on one user serialise on its row lock, the second finding it erased.
@Injectable()
export class EraseDueUsersUseCase {
  private readonly logger = new Logger(EraseDueUsersUseCase.name);

  constructor(
    private readonly erasure: UserErasureRepository,
    private readonly eraseUser: EraseUserUseCase,
  ) {}

  async execute(deletedBefore: Date): Promise<UserErasureSweep> {
    const due = await this.erasure.findDue(deletedBefore, ERASURE_SWEEP_LIMIT);
    let erased = 0;
    for (const id of due) {
      try {
        if ((await this.eraseUser.execute(id)) === 'erased') erased += 1;
      } catch (error) {
        this.logger.error(`erasure of user ${id} failed, retried next tick: ${(error as Error).message}`);
      }
    }
    if (due.length > 0) this.logger.log(`erased ${erased} of ${due.length} users soft-deleted before ${deletedBefore.toISOString()}`);
    return { erased };
  }
}
