import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { Ctx, RequestContext } from '../access/request-context';
import { CreateUserDto, DisableUserDto, UpdateUserDto, UserListQueryDto, UserPageDto, UserResponseDto } from './dto/user.dto';
import { UsersService } from './users.service';
import { IdParam } from '../common/validation';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Create a staff account' })
  @ApiCreatedResponse({ type: UserResponseDto, headers: ETAG_HEADER })
  @ApiProblems(
    { status: 409, description: 'Username taken (`username-taken`)' },
    { status: 422, description: 'Password refused by the policy (the detail says which rule), or roles that break the separation of duties (`separation-of-duties`)' },
  )
  createUser(@Ctx() ctx: RequestContext, @Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'List staff accounts (by username)' })
  @ApiOkResponse({ type: UserPageDto })
  listUsers(@Query() query: UserListQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Get a staff account (ETag: its version)' })
  @ApiOkResponse({ type: UserResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  getUser(@IdParam() id: string): Promise<UserResponseDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Change display name or roles (needs If-Match); takes effect on the user\'s next request' })
  @ApiOkResponse({ type: UserResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiProblems(404, { status: 422, description: 'An admin changing their own roles, or roles that break the separation of duties (`separation-of-duties`)' })
  updateUser(@Ctx() ctx: RequestContext, @IdParam() id: string, @IfMatchVersion() version: number, @Body() dto: UpdateUserDto): Promise<UserResponseDto> {
    return this.users.update(ctx, id, version, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Disable an account: its tokens stop working on the next request' })
  @ApiBody({ type: DisableUserDto, required: false, description: 'Optional: why (kept in the audit trail)' })
  @ApiOkResponse({ type: UserResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404, { status: 422, description: 'An admin disabling their own account (`self-lockout`)' })
  disableUser(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: DisableUserDto): Promise<UserResponseDto> {
    return this.users.disable(ctx, id, dto.reason);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Enable a disabled account' })
  @ApiOkResponse({ type: UserResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  enableUser(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<UserResponseDto> {
    return this.users.enable(ctx, id);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Lift a lockout after repeated failed sign-ins' })
  @ApiOkResponse({ type: UserResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  unlockUser(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<UserResponseDto> {
    return this.users.unlock(ctx, id);
  }
}
