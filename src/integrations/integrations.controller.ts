import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { INTEGRATION_PERMISSIONS } from '../access/permissions';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { Ctx, RequestContext } from '../access/request-context';
import { ParseIdPipe } from '../common/validation';
import { CreateIntegrationDto, IntegrationListQueryDto, IntegrationPageDto, IntegrationResponseDto, IntegrationWhoamiDto, IntegrationWithKeyResponseDto } from './dto/integration.dto';
import { IntegrationsService } from './integrations.service';

@ApiTags('integrations')
@ApiBadRequestResponse({ type: ProblemDetailsDto })
@Controller('integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Register a tip-intake integration; its API key is in this response only' })
  @ApiCreatedResponse({ type: IntegrationWithKeyResponseDto })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateIntegrationDto): Promise<IntegrationWithKeyResponseDto> {
    return this.integrations.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'List integrations (key prefixes only)' })
  @ApiOkResponse({ type: IntegrationPageDto })
  list(@Query() query: IntegrationListQueryDto): Promise<Page<IntegrationResponseDto>> {
    return this.integrations.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Get an integration' })
  @ApiOkResponse({ type: IntegrationResponseDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<IntegrationResponseDto> {
    return this.integrations.get(id);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Issue a new API key (shown once); the old key stops working at once' })
  @ApiOkResponse({ type: IntegrationWithKeyResponseDto })
  rotate(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string): Promise<IntegrationWithKeyResponseDto> {
    return this.integrations.rotate(ctx, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Revoke an integration: its key stops working at once' })
  @ApiOkResponse({ type: IntegrationResponseDto })
  revoke(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string): Promise<IntegrationResponseDto> {
    return this.integrations.revoke(ctx, id);
  }
}

@ApiTags('intake')
@Controller('intake')
export class IntakeWhoamiController {
  @Get('whoami')
  @Authenticated({ permission: 'tip:submit', principal: 'integration' })
  @ApiOperation({ summary: 'The integration behind the X-API-Key (to check a key works)' })
  @ApiOkResponse({ type: IntegrationWhoamiDto })
  whoami(@Ctx() ctx: RequestContext): IntegrationWhoamiDto {
    return { id: ctx.principal!.id, name: ctx.principal!.name ?? '', permissions: [...INTEGRATION_PERMISSIONS] };
  }
}
