import { ApiProperty, ApiSchema } from '@nestjs/swagger';
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

@ApiSchema({ name: 'TokenPair' })
export class TokenPairDto {
  @ApiProperty() access_token: string;
  @ApiProperty() refresh_token: string;
  @ApiProperty({ enum: ['bearer'] }) token_type: 'bearer';
  @ApiProperty({ description: 'access token lifetime in seconds' }) expires_in: number;
}

// The public part of an RS256 signing key (RFC 7517).
@ApiSchema({ name: 'Jwk' })
export class JwkDto {
  @ApiProperty({ enum: ['RSA'] }) kty: string;
  @ApiProperty({ description: 'modulus, base64url' }) n: string;
  @ApiProperty({ description: 'exponent, base64url' }) e: string;
  @ApiProperty({ description: 'key id: the RFC 7638 thumbprint' }) kid: string;
  @ApiProperty({ enum: ['RS256'] }) alg: string;
  @ApiProperty({ enum: ['sig'] }) use: string;
}

@ApiSchema({ name: 'Jwks' })
export class JwksDto {
  @ApiProperty({ type: [JwkDto] }) keys: JwkDto[];
}
