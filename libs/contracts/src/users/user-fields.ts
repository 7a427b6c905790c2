import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role, ROLES } from './user.view';

// Field rules shared by signup, admin create and update.
export const E164 = /^\+[1-9]\d{7,14}$/;
const HAS_LETTER = /\p{L}/u;

export class UserProfileFields {
  @ApiProperty({ example: 'Ada Lovelace', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  @Matches(HAS_LETTER, { message: 'name must contain letters' })
  name: string;

  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @IsString()
  @MaxLength(320)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiPropertyOptional({ example: '+14155550123', description: 'E.164: + and 8-15 digits' })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'phone_number must be E.164 (+ and 8-15 digits)' })
  phone_number?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  country?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  state?: string;
}

export class PasswordField {
  @ApiProperty({ minLength: 8, maxLength: 128, format: 'password' })
  @IsString()
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(128)
  password: string;
}

export class OptionalRoleField {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}
