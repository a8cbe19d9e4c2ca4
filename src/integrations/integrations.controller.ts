import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { INTEGRATION_PERMISSIONS } from '../access/permissions';
import { Page } from '../common/pagination/keyset';
import { Ctx, RequestContext } from '../access/request-context';
import { CreateIntegrationDto, IntegrationListQueryDto, IntegrationPageDto, IntegrationResponseDto, IntegrationWhoamiDto, IntegrationWithKeyResponseDto } from './dto/integration.dto';
import { IntegrationsService } from './integrations.service';
import { IdParam } from '../common/validation';

@ApiTags('integrations')
@Controller('integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Register a tip-intake integration; its API key is in this response only' })
  @ApiCreatedResponse({ type: IntegrationWithKeyResponseDto, headers: ETAG_HEADER })
  createIntegration(@Ctx() ctx: RequestContext, @Body() dto: CreateIntegrationDto): Promise<IntegrationWithKeyResponseDto> {
    return this.integrations.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'List integrations (key prefixes only)' })
  @ApiOkResponse({ type: IntegrationPageDto })
  listIntegrations(@Query() query: IntegrationListQueryDto): Promise<Page<IntegrationResponseDto>> {
    return this.integrations.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Get an integration' })
  @ApiOkResponse({ type: IntegrationResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  getIntegration(@IdParam() id: string): Promise<IntegrationResponseDto> {
    return this.integrations.get(id);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Issue a new API key (shown once); the old key stops working at once' })
  @ApiOkResponse({ type: IntegrationWithKeyResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404, { status: 422, description: 'A revoked integration gets no new key (`integration-revoked`)' })
  rotateIntegrationKey(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<IntegrationWithKeyResponseDto> {
    return this.integrations.rotate(ctx, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Authenticated({ permission: 'integration:admin' })
  @ApiOperation({ summary: 'Revoke an integration: its key stops working at once' })
  @ApiOkResponse({ type: IntegrationResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  revokeIntegration(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<IntegrationResponseDto> {
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
  getCurrentIntegration(@Ctx() ctx: RequestContext): IntegrationWhoamiDto {
    return { id: ctx.principal!.id, name: ctx.principal!.name ?? '', permissions: [...INTEGRATION_PERMISSIONS] };
  }
}
