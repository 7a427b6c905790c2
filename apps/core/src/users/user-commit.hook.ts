import { writeSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

// Runs between the commit of a change to a user and its post-commit cache write. In tests only
// (TEST_CRASH_AFTER_USER_COMMIT, refused outside NODE_ENV=test) it kills core there, the crash revocation must survive.
@Injectable()
export class UserCommitHook {
  constructor(@Inject(CORE_CONFIG) private readonly config: CoreConfig) {}

  afterCommit(userId: string): void {
    if (!this.config.crashAfterUserCommit || this.config.NODE_ENV !== 'test') return;
    // Written synchronously: the logger's buffered line would die with the process.
    writeSync(2, `TEST_CRASH_AFTER_USER_COMMIT: killing core after the commit of a change to ${userId}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
