import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { SignupPayload } from '@app/contracts';

export class SignupDto extends SignupPayload {}

export class TokenRequestDto {
  @ApiProperty({ description: 'the email address', example: 'ada@example.com' })
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  username: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

export class RefreshRequestDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  refresh_token: string;
}

export class TokenPairDto {
  @ApiProperty() access_token: string;
  @ApiProperty() refresh_token: string;
  @ApiProperty({ enum: ['bearer'] }) token_type: 'bearer';
  @ApiProperty({ description: 'access token lifetime in seconds' }) expires_in: number;
}
