import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { Page } from '../common/pagination/keyset';
import { CreateSelectorDto, SelectorListQueryDto, SelectorPageDto, SelectorResponseDto } from './dto/selector.dto';
import { SelectorsService } from './selectors.service';
import { IdParam } from '../common/validation';

@ApiTags('selectors')
@ApiProblems({ status: 400, description: 'Validation failed, or the value is not a valid spelling of its kind (errors[] names the field and says why: a bad checksum, a phone that cannot exist, an e-mail without a domain…)' })
@Controller('selectors')
export class SelectorsController {
  constructor(private readonly selectors: SelectorsService) {}

  @Post()
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({
    summary: 'Register a selector (an identifier: e-mail, phone, domain, URL, username, wallet…)',
    description: 'The value is validated and normalised per kind; `(kind, normalizedValue)` is unique, so registering a known identifier in another spelling answers 409 with `existingId` (and `Location`). Audited (`selector.create`).',
  })
  @ApiCreatedResponse({ type: SelectorResponseDto, headers: ETAG_HEADER })
  @ApiProblems({
    status: 409,
    description: 'Already registered, perhaps in another spelling (`selector-exists`): `existingId` is the selector to use',
    headers: { Location: { description: 'The existing selector (with `selector-exists`)', schema: { type: 'string', format: 'uri-reference', maxLength: 100 } } },
  })
  createSelector(@Ctx() ctx: RequestContext, @Body() dto: CreateSelectorDto): Promise<SelectorResponseDto> {
    return this.selectors.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'List selectors, or find one by any spelling of its value (`?value=`)' })
  @ApiOkResponse({ type: SelectorPageDto })
  listSelectors(@Query() query: SelectorListQueryDto): Promise<Page<SelectorResponseDto>> {
    return this.selectors.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'Get a selector' })
  @ApiOkResponse({ type: SelectorResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  getSelector(@IdParam() id: string): Promise<SelectorResponseDto> {
    return this.selectors.get(id);
  }
}
