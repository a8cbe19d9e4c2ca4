import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { CreateLinkDto, GraphQueryDto, GraphResponseDto, LinkListQueryDto, LinkPageDto, LinkResponseDto, UpdateLinkDto } from './dto/link.dto';
import { LinksService } from './links.service';
import { IdParam } from '../common/validation';

@ApiTags('links')
@ApiProblems({ status: 400, description: 'Validation failed, or the kind of link does not join these types (a selector employs no one)' })
@Controller('links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post()
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Link two registry entities', description: 'Typed, dated and sourced. Audited (`link.create`).' })
  @ApiCreatedResponse({ type: LinkResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 422, description: 'An end does not exist' })
  createLink(@Ctx() ctx: RequestContext, @Body() dto: CreateLinkDto): Promise<LinkResponseDto> {
    return this.links.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'List links, by entity (either end) and kind' })
  @ApiOkResponse({ type: LinkPageDto })
  listLinks(@Query() query: LinkListQueryDto): Promise<Page<LinkResponseDto>> {
    return this.links.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'Get a link (ETag: its version)' })
  @ApiOkResponse({ type: LinkResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  getLink(@IdParam() id: string): Promise<LinkResponseDto> {
    return this.links.get(id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: "Change a link's period, confidence, source or description (needs If-Match)", description: 'Audited (`link.update`).' })
  @ApiIfMatch()
  @ApiOkResponse({ type: LinkResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  updateLink(@Ctx() ctx: RequestContext, @IdParam() id: string, @IfMatchVersion() version: number, @Body() dto: UpdateLinkDto): Promise<LinkResponseDto> {
    return this.links.update(ctx, id, version, dto);
  }
}

@ApiTags('links')
@Controller('graph')
export class GraphController {
  constructor(private readonly links: LinksService) {}

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({
    summary: 'The entities and links around one entity',
    description:
      'One recursive query walks the links both ways from `root`, level by level, never visiting an entity twice (cycle-safe), up to `depth` (1–3) links away, at most 500 entities and 2,000 links; `truncated` says when a cap cut it short. `kinds` keeps only links of those kinds.',
  })
  @ApiOkResponse({ type: GraphResponseDto })
  @ApiProblems({ status: 400, description: 'root is not <type>:<uuid>, depth is not 1–3, or kinds names an unknown kind' })
  @ApiProblems({ status: 404, description: 'The root does not exist' })
  getGraph(@Query() query: GraphQueryDto): Promise<GraphResponseDto> {
    return this.links.graph(query);
  }
}
