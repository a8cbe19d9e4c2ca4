import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { CreateOrganizationDto, OrganizationListQueryDto, OrganizationPageDto, OrganizationResponseDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';
import { IdParam } from '../common/validation';

@ApiTags('organizations')
@ApiProblems({ status: 400, description: 'Validation failed: unknown fields, a country not on the ISO list, a website that is not a domain, a date that does not exist…' })
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Register an organization (front company, employer, facilitator, bank…)', description: 'Audited (`organization.create`).' })
  @ApiCreatedResponse({ type: OrganizationResponseDto, headers: ETAG_HEADER })
  createOrganization(@Ctx() ctx: RequestContext, @Body() dto: CreateOrganizationDto): Promise<OrganizationResponseDto> {
    return this.organizations.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'List organizations (oldest first), filtered by kind or country' })
  @ApiOkResponse({ type: OrganizationPageDto })
  listOrganizations(@Query() query: OrganizationListQueryDto): Promise<Page<OrganizationResponseDto>> {
    return this.organizations.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'Get an organization (ETag: its version)' })
  @ApiOkResponse({ type: OrganizationResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  getOrganization(@IdParam() id: string): Promise<OrganizationResponseDto> {
    return this.organizations.get(id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Change an organization (needs If-Match); lists given replace the old ones', description: 'Audited (`organization.update`).' })
  @ApiIfMatch()
  @ApiOkResponse({ type: OrganizationResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  updateOrganization(@Ctx() ctx: RequestContext, @IdParam() id: string, @IfMatchVersion() version: number, @Body() dto: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    return this.organizations.update(ctx, id, version, dto);
  }
}
