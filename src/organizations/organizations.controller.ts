import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { ParseIdPipe } from '../common/validation';
import { CreateOrganizationDto, OrganizationListQueryDto, OrganizationPageDto, OrganizationResponseDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed: unknown fields, a country not on the ISO list, a website that is not a domain, a date that does not exist…' })
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Register an organization (front company, employer, facilitator, bank…)', description: 'Audited (`organization.create`).' })
  @ApiCreatedResponse({ type: OrganizationResponseDto })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateOrganizationDto): Promise<OrganizationResponseDto> {
    return this.organizations.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'List organizations (oldest first), filtered by kind or country' })
  @ApiOkResponse({ type: OrganizationPageDto })
  list(@Query() query: OrganizationListQueryDto): Promise<Page<OrganizationResponseDto>> {
    return this.organizations.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'Get an organization (ETag: its version)' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<OrganizationResponseDto> {
    return this.organizations.get(id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Change an organization (needs If-Match); lists given replace the old ones', description: 'Audited (`organization.update`).' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET, W/"<version>"' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto })
  @ApiPreconditionFailedResponse({ type: ProblemDetailsDto })
  @ApiResponse({ status: 428, type: ProblemDetailsDto, description: 'If-Match is missing' })
  update(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @IfMatchVersion() version: number, @Body() dto: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    return this.organizations.update(ctx, id, version, dto);
  }
}
