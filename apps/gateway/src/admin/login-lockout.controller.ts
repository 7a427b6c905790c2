import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PATTERNS, Principal } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { LoginThrottle } from '../auth/login-throttle.service';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiNoContent } from '../http/openapi/api-docs.decorators';
import { RequestId } from '../http/request-id.decorator';
import { uuidParam } from '../users/users.controller';

// Lifts a user's login lock-out at once (failures, lock-out and its level are forgotten): the way back when
// someone keeps locking an account by guessing at it.
@ApiTags('admin')
@ApiAuthenticated()
@Roles('admin')
@Controller('admin/users')
export class LoginLockoutController {
  constructor(
    private readonly core: CoreClient,
    private readonly throttle: LoginThrottle,
  ) {}

  @Delete(':id/login-lockout')
  @HttpCode(204)
  @ApiNoContent("lifted: the user's failed logins and lock-out are cleared (idempotent)")
  @ApiErrors(400, 403, 404)
  async lift(@Param('id', uuidParam) id: string, @RequestId() requestId: string): Promise<void> {
    const principal = await this.core.send<Principal>(PATTERNS.users.principal, { user_id: id }, requestId);
    await this.throttle.lift(principal.user.email);
  }
}
