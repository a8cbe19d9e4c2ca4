import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { ApiProblems } from '../common/openapi/openapi-document';
import { Ctx, NO_CLIENT_TRACE, RequestContext } from '../access/request-context';
import { RequireIdempotencyKey } from '../common/idempotency/idempotency.interceptor';
import { SubmitTipDto, TipReceiptDto } from './dto/intake.dto';
import { TIP_REFERENCE } from './tipster-vault';
import { TipIntakeService } from './tip-intake.service';

/** The intake body limit: a 20,000-character narrative, even written entirely in \u escapes, and the rest. */
export const INTAKE_BODY_LIMIT = 128 * 1024;

@ApiTags('intake')
@Controller('intake/tips')
export class TipIntakeController {
  constructor(private readonly intake: TipIntakeService) {}

  @Post()
  @HttpCode(202)
  @RequireIdempotencyKey()
  @RouteConfig({ ...NO_CLIENT_TRACE, casefileBodyLimit: INTAKE_BODY_LIMIT })
  @Authenticated({ permission: 'tip:submit', principal: 'integration' })
  @ApiOperation({
    summary: 'Submit a tip (integrations, X-API-Key)',
    description:
      'Needs an `Idempotency-Key` (a unique value per submission, reused on retries): a retry with the same key and body gets the same answer and ' +
      'no second tip, also after a crash between the insert and the response. The same `externalId` from the same integration is recognised as ' +
      'a retry too (a unique index) and answered with the first tip. The tipster is encrypted at rest; no IP address or user agent is kept. ' +
      'The tip is answered in status `matching`: it is matched to the registry and checked for duplicates right after, in the background (seconds at most), then `received`. ' +
      `The narrative is stored as sent (plain text, never interpreted). Body limit ${INTAKE_BODY_LIMIT / 1024} KiB; rate-limited per key.`,
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1–255 visible ASCII characters, unique per submission',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]{1,255}$', example: 'form-2024-000123-1' },
  })
  @ApiAcceptedResponse({ type: TipReceiptDto, description: 'Received (or a replay of the first answer, with `Idempotency-Replayed: true`)' })
  @ApiProblems(
    {
      status: 400,
      description:
        'No Idempotency-Key; validation (narrative 1–20,000 characters without NUL; tipster e-mail or phone that cannot exist; anonymous with identity; unknown fields)',
    },
    { status: 413, description: `Body over ${INTAKE_BODY_LIMIT / 1024} KiB` },
  )
  submitTip(@Ctx() ctx: RequestContext, @Body() dto: SubmitTipDto): Promise<TipReceiptDto> {
    return this.intake.submit(ctx, dto);
  }

  @Get(':reference')
  @RouteConfig(NO_CLIENT_TRACE)
  @Authenticated({ permission: 'tip:read-own-status', principal: 'integration' })
  @ApiOperation({ summary: 'The status of a tip this integration submitted (any other: 404)' })
  @ApiParam({ name: 'reference', description: 'The reference the submission answered', schema: { type: 'string', pattern: TIP_REFERENCE.source, maxLength: 12, example: 'TIP-7F3KX9QM' } })
  @ApiOkResponse({ type: TipReceiptDto })
  @ApiProblems({ status: 404, description: 'No such reference, or another integration submitted it' })
  getTipStatus(@Ctx() ctx: RequestContext, @Param('reference') reference: string): Promise<TipReceiptDto> {
    return this.intake.status(ctx, reference);
  }
}
