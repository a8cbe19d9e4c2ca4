import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Authenticated } from '../access/authenticated.decorator';
import { Expensive } from '../common/concurrency/expensive.interceptor';
import { Page } from '../common/pagination/keyset';
import { Ctx, RequestContext } from '../access/request-context';
import { AuditService } from './audit.service';
import { AuditExportQueryDto, AuditPageDto, AuditQueryDto, AuditRecordDto, CheckpointListDto, CheckpointListQueryDto, VerifyReportDto } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ permission: 'audit:read' })
  @ApiOperation({ summary: 'Search the audit trail (newest first). This read is itself audited.' })
  @ApiOkResponse({ type: AuditPageDto })
  listAuditRecords(@Ctx() ctx: RequestContext, @Query() query: AuditQueryDto): Promise<Page<AuditRecordDto>> {
    return this.audit.search(ctx, query);
  }

  @Get('verify')
  @Authenticated({ permission: 'audit:verify' })
  @Expensive('audit')
  @ApiOperation({ summary: 'Recompute the hash chain and check the signed checkpoints; reports the first record changed, missing or reordered' })
  @ApiOkResponse({ type: VerifyReportDto })
  verifyAuditTrail(@Ctx() ctx: RequestContext): Promise<VerifyReportDto> {
    return this.audit.verify(ctx);
  }

  @Get('checkpoints')
  @Authenticated({ permission: 'audit:export' })
  @ApiOperation({ summary: 'Signed checkpoints of the chain head, oldest first (keyset pages), with the public key that verifies them (keep a copy elsewhere)' })
  @ApiOkResponse({ type: CheckpointListDto })
  listAuditCheckpoints(@Ctx() ctx: RequestContext, @Query() query: CheckpointListQueryDto): Promise<CheckpointListDto> {
    return this.audit.checkpoints(ctx, query);
  }

  @Get('export')
  @Authenticated({ permission: 'audit:export' })
  @Expensive('audit')
  @ApiOperation({
    summary: 'Stream the sealed chain as JSON Lines',
    description:
      'One record per line in chain order, with `prevHash`, `hash` and `canonical`. To re-verify outside Casefile: for each line, ' +
      'hash == SHA-256(prevHash + "\\n" + canonical) (hex), prevHash == the previous line\'s hash (64 zeros for position 1), and ' +
      '`canonical` is the record\'s fields [seq, occurredAt, actorKind, actorId, actorRoles, action, resourceType, resourceId, caseId, outcome, requestId, sourceIp, userAgent, changes, details] ' +
      'as PostgreSQL COPY text writes them: tab-separated, \\N for NULL, backslash escapes.',
  })
  @ApiOkResponse({
    description: 'The chain from `afterPosition`, one JSON record per line (streamed: a failure midway cuts the stream short, so check the last line)',
    content: { 'application/x-ndjson': { schema: { type: 'string', description: 'JSON Lines: one AuditExportLine per line' } } },
    headers: { 'Content-Disposition': { required: true, description: 'attachment; filename="casefile-audit.jsonl"', schema: { type: 'string', enum: ['attachment; filename="casefile-audit.jsonl"'] } } },
  })
  async exportAuditTrail(@Ctx() ctx: RequestContext, @Query() query: AuditExportQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const body = new PassThrough();
    void reply.type('application/x-ndjson; charset=utf-8').header('Content-Disposition', 'attachment; filename="casefile-audit.jsonl"').send(body);
    try {
      await this.audit.export(ctx, query.afterPosition ?? '0', (line) => (body.write(line) ? undefined : once(body, 'drain').then(() => undefined)));
    } catch (e) {
      body.destroy(e instanceof Error ? e : new Error(String(e))); // headers are gone: the client sees a cut stream
      return;
    }
    body.end();
  }
}
