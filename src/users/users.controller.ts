import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { Ctx, RequestContext } from '../access/request-context';
import { ParseIdPipe } from '../common/validation';
import { CreateUserDto, DisableUserDto, UpdateUserDto, UserListQueryDto, UserPageDto, UserResponseDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed' })
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Create a staff account' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'Username taken' })
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'Password refused by the policy (the detail says which rule)' })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'List staff accounts (by username)' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: UserListQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Get a staff account (ETag: its version)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<UserResponseDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Change display name or roles (needs If-Match); takes effect on the user\'s next request' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiPreconditionFailedResponse({ type: ProblemDetailsDto })
  update(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @IfMatchVersion() version: number, @Body() dto: UpdateUserDto): Promise<UserResponseDto> {
    return this.users.update(ctx, id, version, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Disable an account: its tokens stop working on the next request' })
  @ApiOkResponse({ type: UserResponseDto })
  disable(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Body() dto: DisableUserDto): Promise<UserResponseDto> {
    return this.users.disable(ctx, id, dto.reason);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Enable a disabled account' })
  @ApiOkResponse({ type: UserResponseDto })
  enable(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string): Promise<UserResponseDto> {
    return this.users.enable(ctx, id);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Authenticated({ permission: 'user:admin' })
  @ApiOperation({ summary: 'Lift a lockout after repeated failed sign-ins' })
  @ApiOkResponse({ type: UserResponseDto })
  unlock(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string): Promise<UserResponseDto> {
    return this.users.unlock(ctx, id);
  }
}
