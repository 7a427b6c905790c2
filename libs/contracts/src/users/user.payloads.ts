import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Role, ROLES } from './user.view';
import { OptionalRoleField, PasswordField, UserProfileFields } from './user-fields';

export class ActorPayload {
  @IsUUID() id: string;
  @IsIn(ROLES) role: Role;
  // The caller's session (its access token's sid): a password change keeps this one session alive.
  @IsOptional() @IsUUID() session?: string | null;
}

export class SignupPayload extends IntersectionType(UserProfileFields, PasswordField) {}

export class CreateUserFields extends IntersectionType(UserProfileFields, PasswordField, OptionalRoleField) {}

export class UpdateUserFields extends IntersectionType(UserProfileFields, OptionalRoleField) {
  @ApiPropertyOptional({ minLength: 8, maxLength: 128, format: 'password', description: 'set a new password' })
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(128)
  password?: string;
}

export class TokenPayload {
  @IsString() @MaxLength(320) username: string;
  @IsString() @MaxLength(128) password: string;
}

export class RefreshPayload {
  @IsString() @MaxLength(512) refresh_token: string;
}

export class LogoutPayload extends RefreshPayload {
  @IsUUID() user_id: string;
}

export class PrincipalQuery {
  @IsUUID() user_id: string;
}

export class ActorScoped {
  @ValidateNested() @Type(() => ActorPayload) actor: ActorPayload;
}

export class UserIdPayload extends ActorScoped {
  @IsUUID() id: string;
}

export class CreateUserPayload extends ActorScoped {
  @ValidateNested() @Type(() => CreateUserFields) user: CreateUserFields;
}

export class UpdateUserPayload extends UserIdPayload {
  @ValidateNested() @Type(() => UpdateUserFields) user: UpdateUserFields;
}

export const USER_SORT_FIELDS = ['created_at', 'name', 'email'] as const;
export type UserSortBy = (typeof USER_SORT_FIELDS)[number];

export class ListUsersPayload {
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
  @IsIn(USER_SORT_FIELDS) sort_by: UserSortBy;
  @IsIn(['asc', 'desc']) order: 'asc' | 'desc';
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}
