import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateUserPayload,
  ListUsersPayload,
  LogoutPayload,
  PATTERNS,
  PrincipalQuery,
  RefreshPayload,
  SignupPayload,
  TokenPayload,
  UpdateUserPayload,
  UserIdPayload,
} from '@app/contracts';
import { AuthService } from '../auth/auth.service';
import { CreateUserUseCase } from './create-user.use-case';
import { RemoveUserUseCase } from './remove-user.use-case';
import { UpdateUserUseCase } from './update-user.use-case';
import { UsersQueryService } from './users-query.service';

// RPC entry points for identity: thin, each delegates to one use case.
@Controller()
export class UsersHandlers {
  constructor(
    private readonly auth: AuthService,
    private readonly createUser: CreateUserUseCase,
    private readonly updateUser: UpdateUserUseCase,
    private readonly removeUser: RemoveUserUseCase,
    private readonly queries: UsersQueryService,
  ) {}

  @MessagePattern(PATTERNS.auth.signup)
  signup(@Payload() payload: SignupPayload) {
    return this.createUser.execute(payload, 'user', null, 'signup');
  }

  @MessagePattern(PATTERNS.auth.token)
  token(@Payload() payload: TokenPayload) {
    return this.auth.token(payload);
  }

  @MessagePattern(PATTERNS.auth.refresh)
  refresh(@Payload() payload: RefreshPayload) {
    return this.auth.refresh(payload.refresh_token);
  }

  @MessagePattern(PATTERNS.auth.logout)
  async logout(@Payload() payload: LogoutPayload) {
    await this.auth.logout(payload);
    return { ok: true };
  }

  @MessagePattern(PATTERNS.users.principal)
  principal(@Payload() payload: PrincipalQuery) {
    return this.queries.principal(payload.user_id);
  }

  @MessagePattern(PATTERNS.users.list)
  list(@Payload() payload: ListUsersPayload) {
    return this.queries.list(payload);
  }

  @MessagePattern(PATTERNS.users.get)
  get(@Payload() payload: UserIdPayload) {
    return this.queries.get(payload.actor, payload.id);
  }

  @MessagePattern(PATTERNS.users.create)
  create(@Payload() payload: CreateUserPayload) {
    return this.createUser.execute(payload.user, payload.user.role ?? 'user', payload.actor, 'admin');
  }

  @MessagePattern(PATTERNS.users.update)
  update(@Payload() payload: UpdateUserPayload) {
    return this.updateUser.execute(payload.actor, payload.id, payload.user);
  }

  @MessagePattern(PATTERNS.users.remove)
  async remove(@Payload() payload: UserIdPayload) {
    await this.removeUser.execute(payload.actor, payload.id);
    return { ok: true };
  }
}
