import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { ApiCaseNotFound } from '../cases/cases.openapi';
import { ApiProblems, ApiRequestBody, ETAG_HEADER } from '../common/openapi/openapi-document';
import { parseIfMatch } from '../common/concurrency/if-match';
import { MULTIPART_ROUTE } from '../common/http/multipart';
import { Page } from '../common/pagination/keyset';
import { CreateCustodyEventDto, CustodyEventPageDto, CustodyEventResponseDto, CustodyListQueryDto, ManifestDto, ManifestQueryDto, VerifyResultDto } from './dto/custody.dto';
import { CreateEvidenceDto, EvidenceListQueryDto, EvidencePageDto, EvidenceResponseDto } from './dto/evidence.dto';
import { NotAcceptableError } from './evidence.errors';
import { EvidenceService, UploadPart } from './evidence.service';
import { IdParam } from '../common/validation';

const API_EVIDENCE_NOT_FOUND = ApiCaseNotFound('evidence (or case)');

/** A file as it is streamed: its length is the file's (at most EVIDENCE_MAX_BYTES), not a string's. */
const FILE_SCHEMA = { type: 'string', format: 'binary' } as const;

const DOWNLOAD_HEADERS = {
  'Repr-Digest': { required: true, description: 'sha-256=:<base64>: of the whole file (RFC 9530)', schema: { type: 'string', pattern: '^sha-256=:[A-Za-z0-9+/]{43}=:$', maxLength: 55 } },
  'Content-Disposition': { required: true, description: 'attachment; filename="…"; filename*=UTF-8\'\'… (RFC 6266, the name sanitised)', schema: { type: 'string', maxLength: 2000 } },
  'Accept-Ranges': { required: true, schema: { type: 'string', enum: ['bytes'] } },
};

/** json or csv, from ?format= or else Accept (first acceptable in the order given); undefined: neither. */
function manifestFormat(format: 'json' | 'csv' | undefined, accept: string | undefined): 'json' | 'csv' | undefined {
  if (format) return format;
  if (!accept || accept.trim() === '') return 'json';
  for (const range of accept.split(',')) {
    const type = range.split(';')[0].trim().toLowerCase();
    if (['application/json', 'application/*', '*/*', 'application/problem+json'].includes(type)) return 'json';
    if (['text/csv', 'text/*'].includes(type)) return 'csv';
  }
  return undefined;
}

@ApiTags('evidence')
@ApiExtraModels(CreateEvidenceDto)
@ApiProblems({ status: 400, description: 'Validation failed (unknown fields are refused), a malformed multipart body, or a cursor from another list' })
@Controller()
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post('cases/:id/evidence')
  @RouteConfig(MULTIPART_ROUTE)
  @Authenticated({ permission: 'evidence:write' })
  @ApiOperation({
    summary: 'Add an item of evidence to a case (an upload, or a physical item)',
    description:
      'Members other than viewers, and supervisors; the case must not be closed. **multipart/form-data**: a `metadata` part (the item as JSON, ' +
      '`CreateEvidenceDto`) first, then at most one `file` part, streamed: hashed (SHA-256) and encrypted at rest (AES-256-GCM in authenticated ' +
      "64 KiB segments) as it arrives, never buffered whole. The client's file name is kept as metadata only; the content type is sniffed from " +
      'the bytes as well as declared. Declare the digest with `Repr-Digest: sha-256=:<base64>:` or `metadata.sha256` (hex): a different digest is ' +
      'a 422 and nothing is kept. Larger than EVIDENCE_MAX_BYTES (default 2 GiB): 413. **application/json**: the item alone (a physical item). ' +
      'The item gets the next number of its case (`CF-2024-0001-E0007`, gap-free), the caller becomes its custodian, and its chain of custody ' +
      'starts with `collected`. The row, the first custody event and the audit record commit together; a failure leaves no row and no file. ' +
      'With an Idempotency-Key on an upload the key is matched by path, not by the (streamed) body: use a new key for a new upload.',
  })
  @ApiRequestBody({
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['metadata'],
          properties: {
            metadata: {
              type: 'string',
              maxLength: 65_536,
              description: 'The item as JSON (CreateEvidenceDto), the first part',
              example: '{"kind":"source_code","description":"Repository archive","collectedAt":"2024-12-12T15:30:00Z","collectedBy":"SA J. Ramirez"}',
            },
            file: { type: 'string', format: 'binary', description: 'The file (at most one part, at most EVIDENCE_MAX_BYTES), after metadata' },
          },
        },
      },
      'application/json': { schema: { $ref: getSchemaPath(CreateEvidenceDto) } },
    },
  })
  @ApiHeader({
    name: 'Repr-Digest',
    required: false,
    description: "The file's SHA-256 (RFC 9530), such as `sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:`",
    schema: { type: 'string', maxLength: 1000 },
  })
  @ApiCreatedResponse({ type: EvidenceResponseDto, headers: ETAG_HEADER })
  @API_EVIDENCE_NOT_FOUND
  @ApiProblems(
    { status: 403, description: 'A viewer of the case (`read-only-member`)' },
    { status: 409, description: 'The case is closed (`case-closed`)' },
    { status: 413, description: 'The file is larger than EVIDENCE_MAX_BYTES: nothing was kept' },
    { status: 415, description: 'Neither multipart/form-data nor application/json' },
    { status: 422, description: 'The declared SHA-256 differs from the file (`digest-mismatch`): nothing was kept' },
  )
  createEvidence(@Ctx() ctx: RequestContext, @IdParam() caseId: string, @Req() request: FastifyRequest, @Body() body: unknown): Promise<EvidenceResponseDto> {
    if (!request.isMultipart()) return this.evidence.create(ctx, caseId, { json: body });
    const digest = request.headers['repr-digest'];
    const length = Number(request.headers['content-length']);
    return this.evidence.create(ctx, caseId, {
      upload: {
        parts: request.parts() as AsyncIterable<UploadPart>,
        reprDigest: Array.isArray(digest) ? digest.join(',') : digest,
        contentLength: Number.isFinite(length) ? length : undefined,
      },
    });
  }

  @Get('cases/:id/evidence')
  @Authenticated({ permission: 'evidence:read' })
  @ApiOperation({ summary: "A case's evidence by number", description: 'Members and supervisors. Filters: `kind`, `custodianId`. Audited (`evidence.list`).' })
  @ApiOkResponse({ type: EvidencePageDto })
  @ApiCaseNotFound()
  listCaseEvidence(@Ctx() ctx: RequestContext, @IdParam() caseId: string, @Query() query: EvidenceListQueryDto): Promise<Page<EvidenceResponseDto>> {
    return this.evidence.list(ctx, caseId, query);
  }

  @Get('cases/:id/evidence/manifest')
  @Authenticated({ permission: 'evidence:read' })
  @ApiOperation({
    summary: "The case's discovery manifest: every item, its hash, size and full chain of custody",
    description:
      'JSON (`application/json`, default) or CSV (`text/csv`: one row per custody event, the item repeated on each; cells that a spreadsheet would ' +
      'read as a formula are prefixed with `\'`), by `Accept` or `?format=`. Members and supervisors. Audited (`evidence.manifest`).',
  })
  @ApiOkResponse({
    description: 'The manifest',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ManifestDto) } },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV with a header row, one row per custody event' } },
    },
    headers: { 'Content-Disposition': { description: 'CSV only: attachment; filename="<case number>-evidence-manifest.csv"', schema: { type: 'string', maxLength: 100 } } },
  })
  @ApiExtraModels(ManifestDto)
  @ApiProblems({ status: 406, description: 'Accept names neither JSON nor CSV' })
  @ApiCaseNotFound()
  async getEvidenceManifest(
    @Ctx() ctx: RequestContext,
    @IdParam() caseId: string,
    @Query() query: ManifestQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ManifestDto | string> {
    const format = manifestFormat(query.format, accept);
    if (!format) throw new NotAcceptableError();
    const manifest = await this.evidence.manifest(ctx, caseId, format);
    if (manifest.format === 'json') return manifest.body;
    void reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${manifest.fileName}"`);
    return manifest.body;
  }

  @Get('evidence/:id')
  @Authenticated({ permission: 'evidence:read' })
  @ApiOperation({ summary: 'An item of evidence (ETag: its version, which moves with each custody event). Audited (`evidence.read`).' })
  @ApiOkResponse({ type: EvidenceResponseDto, headers: ETAG_HEADER })
  @API_EVIDENCE_NOT_FOUND
  getEvidence(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<EvidenceResponseDto> {
    return this.evidence.get(ctx, id);
  }

  @Get('evidence/:id/content')
  @Authenticated({ permission: 'evidence:read' })
  @ApiOperation({
    summary: 'The file, streamed (Range supported). Audited (`evidence.download`).',
    description:
      'Decrypted and authenticated segment by segment as it streams. `Repr-Digest` carries the SHA-256 of the whole file, `Content-Type` the stored ' +
      "type, `Content-Disposition` an attachment with the sanitised file name (RFC 6266). One `Range: bytes=…` is honoured (206); several are ignored (200). " +
      'A file that failed an integrity check is never served (409 `integrity-failed`); damage met while streaming cuts the response short, so a ' +
      'complete body is always an intact one. Either failure is audited and recorded in the chain of custody.',
  })
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, such as `bytes=0-1048575`', schema: { type: 'string', maxLength: 200 } })
  @ApiOkResponse({
    description: 'The whole file, as its stored type (`Content-Type`: sniffed from the bytes, else as declared, else application/octet-stream)',
    content: { '*/*': { schema: FILE_SCHEMA } },
    headers: DOWNLOAD_HEADERS,
  })
  @ApiResponse({
    status: 206,
    description: 'The requested range',
    content: { '*/*': { schema: FILE_SCHEMA } },
    headers: {
      ...DOWNLOAD_HEADERS,
      'Content-Range': { required: true, description: 'bytes <first>-<last>/<size>', schema: { type: 'string', pattern: '^bytes \\d+-\\d+/\\d+$', maxLength: 100, example: 'bytes 0-1023/4096' } },
    },
  })
  @API_EVIDENCE_NOT_FOUND
  @ApiProblems(
    { status: 409, description: 'The stored file failed an integrity check (`integrity-failed`): it is not served' },
    {
      status: 416,
      description: 'The range starts past the end of the file',
      headers: { 'Content-Range': { required: true, description: 'bytes */<size>', schema: { type: 'string', pattern: '^bytes \\*/\\d+$', maxLength: 40 } } },
    },
  )
  async downloadEvidence(@Ctx() ctx: RequestContext, @IdParam() id: string, @Headers('range') range: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const download = await this.evidence.download(ctx, id, range);
    await reply.status(download.status).headers(download.headers).send(download.body);
  }

  @Post('evidence/:id/custody')
  @Authenticated({ permission: 'evidence:write' })
  @ApiOperation({
    summary: 'Append a custody event',
    description:
      '`transferred` (to `toUserId`, a member of the case, who becomes the custodian), `checked_out`, `checked_in`, `sealed` (with `sealNumber`), ' +
      '`unsealed`, `released`, `destroyed`; each with `occurredAt` (not before the previous event, not in the future), `location` and `purpose`. ' +
      'From `in_custody`: transferred, checked_out, sealed, released, destroyed; `checked_out`: checked_in; `sealed`: transferred, unsealed; ' +
      '`released` and `destroyed` end the chain. Transfers, releases and destruction: the custodian or a supervisor only. Nothing is released ' +
      'or destroyed under the case\'s legal hold. Members other than viewers, and supervisors; also on a closed case. Concurrent events of one ' +
      'item queue on its row: each sees the one before. `If-Match` (optional) makes the event conditional on the version you read.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag of the item you read, such as W/"3": the event is refused (412) if another came first',
    schema: { type: 'string', pattern: '^(W/)?"\\d{1,15}"$', maxLength: 20 },
  })
  @ApiCreatedResponse({ type: CustodyEventResponseDto })
  @API_EVIDENCE_NOT_FOUND
  @ApiProblems(
    { status: 403, description: 'A viewer of the case (`read-only-member`)' },
    {
      status: 409,
      description:
        'A move the chain does not allow (`invalid-custody-transition`, naming the allowed ones), by someone who is neither custodian nor supervisor (`not-custodian`), or under legal hold (`legal-hold`)',
    },
    { status: 412, description: 'If-Match given and another event came first' },
    { status: 422, description: 'A receiver who is not a member of the case (`custodian-not-member`); a time out of order or in the future (`custody-time-invalid`)' },
  )
  appendCustodyEvent(
    @Ctx() ctx: RequestContext,
    @IdParam() id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: CreateCustodyEventDto,
  ): Promise<CustodyEventResponseDto> {
    return this.evidence.appendCustody(ctx, id, dto, ifMatch === undefined ? undefined : parseIfMatch(ifMatch));
  }

  @Get('evidence/:id/custody')
  @Authenticated({ permission: 'evidence:read' })
  @ApiOperation({ summary: 'The chain of custody, oldest first. Audited (`evidence.custody.list`).' })
  @ApiOkResponse({ type: CustodyEventPageDto })
  @API_EVIDENCE_NOT_FOUND
  listCustodyEvents(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: CustodyListQueryDto): Promise<Page<CustodyEventResponseDto>> {
    return this.evidence.custody(ctx, id, query);
  }

  @Post('evidence/:id/verify')
  @HttpCode(200)
  @Authenticated({ permission: 'evidence:read' })
  @ApiOperation({
    summary: 'Check the stored file: re-read, decrypt, authenticate, re-hash',
    description: 'Members (viewers too) and supervisors. Appends a `verified` event with the result to the chain; a failed check stops the file being served. Audited (`evidence.verify`).',
  })
  @ApiOkResponse({ type: VerifyResultDto, description: 'The result (also when the file is damaged: `ok: false` with the problem)' })
  @API_EVIDENCE_NOT_FOUND
  verifyEvidence(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<VerifyResultDto> {
    return this.evidence.verify(ctx, id);
  }
}
