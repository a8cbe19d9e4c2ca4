import { ApiProperty } from '@nestjs/swagger';
import { CURRENCY_CODES, formatMoney, IsCurrencyCode, IsMinorUnits, MAX_MINOR_UNITS, Money } from '../../common/money';

const AMOUNT_DESCRIPTION =
  'Integer minor units of the currency (cents for USD: 500000000 is USD 5,000,000.00; yen for JPY, whose exponent is 0; fils for BHD, exponent 3). ' +
  'A JSON integer, never a string or a fraction; at most 2^53 − 1.';

/** An amount in a request: a positive whole number of minor units and an ISO 4217 currency. */
export class MoneyDto implements Money {
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 1, maximum: MAX_MINOR_UNITS, example: 500_000_000, description: AMOUNT_DESCRIPTION })
  @IsMinorUnits()
  amount!: number;

  @ApiProperty({ enum: CURRENCY_CODES, example: 'USD', description: 'ISO 4217 code in capitals (codes without a minor unit, such as XAU or XXX, are refused)' })
  @IsCurrencyCode()
  currency!: string;
}

/** An amount in a response (a total may be zero). */
export class MoneyResponseDto implements Money {
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0, maximum: MAX_MINOR_UNITS, example: 500_000_000, description: AMOUNT_DESCRIPTION })
  amount!: number;

  @ApiProperty({ enum: CURRENCY_CODES, example: 'USD' })
  currency!: string;

  @ApiProperty({ example: 'USD 5,000,000.00', maxLength: 40, description: 'The amount for people, with the currency exponent applied (never parse it)' })
  display!: string;
}

export function toMoney(amount: number, currency: string): MoneyResponseDto {
  return { amount, currency, display: formatMoney(amount, currency) };
}
