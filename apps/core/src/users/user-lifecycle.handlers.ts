import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { ActorScoped, ExportPagePayload, ExportPageReply, PATTERNS, ScheduledUserErasurePayload, UserIdPayload } from '@app/contracts';
import { EraseDueUsersUseCase } from './erase-due-users.use-case';
import { EraseUserUseCase } from './erase-user.use-case';
import { RemoveUserUseCase } from './remove-user.use-case';
import { UserExportService } from './user-export.service';

// Data lifecycle RPCs: closing one's own account, erasure (admin and scheduled) and the export's pages.
@Controller()
export class UserLifecycleHandlers {
  constructor(
    private readonly removeUser: RemoveUserUseCase,
    private readonly eraseUser: EraseUserUseCase,
    private readonly eraseDueUsers: EraseDueUsersUseCase,
    private readonly exports: UserExportService,
  ) {}

  @MessagePattern(PATTERNS.users.closeAccount)
  async closeAccount(@Payload() payload: ActorScoped) {
    await this.removeUser.closeOwnAccount(payload.actor);
    return { ok: true };
  }

  @MessagePattern(PATTERNS.users.erase)
  async erase(@Payload() payload: UserIdPayload) {
    await this.eraseUser.byAdmin(payload.actor, payload.id);
    return { ok: true };
  }

  // The scheduler's command: no reply; the outcome is logged.
  @EventPattern(PATTERNS.users.scheduledErasure)
  async scheduledErasure(@Payload() payload: ScheduledUserErasurePayload): Promise<void> {
    await this.eraseDueUsers.execute(new Date(payload.deleted_before));
  }

  @MessagePattern(PATTERNS.users.exportPage)
  exportPage(@Payload() payload: ExportPagePayload): Promise<ExportPageReply> {
    return this.exports.page(payload);
  }
}
