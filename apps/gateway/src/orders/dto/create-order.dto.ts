import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, ValidateBy, ValidationOptions } from 'class-validator';
import { CURRENCY_CODES, DEFAULT_CURRENCY, isOrderAmount, isStorableText, MAX_AMOUNT, MAX_PRODUCT_NAME_LENGTH, PLAN_ID_PATTERN } from '@app/contracts';

export const IsOrderAmount = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isOrderAmount',
      validator: {
        validate: (value: unknown) => isOrderAmount(value),
        defaultMessage: () => `amount must be a number greater than 0 with at most 2 decimals (at most ${MAX_AMOUNT})`,
      },
    },
    options,
  );

// 1-200 characters as Postgres counts them (code points, so an emoji is one).
export const IsProductName = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isProductName',
      validator: {
        validate: (value: unknown) => isStorableText(value, MAX_PRODUCT_NAME_LENGTH),
        defaultMessage: () => `product_name must be a string of 1 to ${MAX_PRODUCT_NAME_LENGTH} characters`,
      },
    },
    options,
  );

@ApiSchema({ name: 'CreateOrder' })
export class CreateOrderDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_PRODUCT_NAME_LENGTH, example: 'Annual plan subscription' })
  @IsProductName()
  product_name: string;

  @ApiProperty({ type: 'number', minimum: 0.01, maximum: MAX_AMOUNT, example: 49.99, description: 'greater than 0, at most 2 decimals' })
  @IsOrderAmount()
  amount: number;

  @ApiPropertyOptional({ enum: CURRENCY_CODES, default: DEFAULT_CURRENCY, example: DEFAULT_CURRENCY, description: 'ISO 4217 code, upper case' })
  @IsOptional()
  @IsIn(CURRENCY_CODES, { message: 'currency must be an ISO 4217 currency code such as USD' })
  currency?: string;

  @ApiPropertyOptional({ type: String, nullable: true, pattern: PLAN_ID_PATTERN.source, example: '12xvxc345ssdsds-508', description: 'the plan the order is for' })
  @IsOptional()
  @IsString()
  @Matches(PLAN_ID_PATTERN, { message: `plan_id must match ${PLAN_ID_PATTERN.source}` })
  plan_id?: string | null;
}
