import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { ParseIdPipe } from '../common/validation';
import { CreateSelectorDto, SelectorListQueryDto, SelectorPageDto, SelectorResponseDto } from './dto/selector.dto';
import { SelectorsService } from './selectors.service';

@ApiTags('selectors')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed, or the value is not a valid spelling of its kind (errors[] names the field and says why: a bad checksum, a phone that cannot exist, an e-mail without a domain…)' })
@Controller('selectors')
export class SelectorsController {
  constructor(private readonly selectors: SelectorsService) {}

  @Post()
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({
    summary: 'Register a selector (an identifier: e-mail, phone, domain, URL, username, wallet…)',
    description: 'The value is validated and normalised per kind; `(kind, normalizedValue)` is unique, so registering a known identifier in another spelling answers 409 with `existingId` (and `Location`). Audited (`selector.create`).',
  })
  @ApiCreatedResponse({ type: SelectorResponseDto })
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'Already registered: `existingId` is the selector to use' })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateSelectorDto): Promise<SelectorResponseDto> {
    return this.selectors.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'List selectors, or find one by any spelling of its value (`?value=`)' })
  @ApiOkResponse({ type: SelectorPageDto })
  list(@Query() query: SelectorListQueryDto): Promise<Page<SelectorResponseDto>> {
    return this.selectors.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'Get a selector' })
  @ApiOkResponse({ type: SelectorResponseDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<SelectorResponseDto> {
    return this.selectors.get(id);
  }
}
