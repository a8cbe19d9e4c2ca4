import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { ParseIdPipe } from '../common/validation';
import { CaseTasksService } from './case-tasks.service';
import { ApiCaseNotFound, ApiIfMatch, ETAG_HEADER } from './cases.openapi';
import { CreateTaskDto, TaskListQueryDto, TaskPageDto, TaskResponseDto, UpdateTaskDto } from './dto/task.dto';

@ApiTags('cases')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed (unknown fields are refused; a due date that is not a date), or a cursor from another list' })
@Controller('cases/:id/tasks')
export class CaseTasksController {
  constructor(private readonly tasks: CaseTasksService) {}

  @Post()
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Add a task (members other than viewers, and supervisors); the assignee must be a member' })
  @ApiCreatedResponse({ type: TaskResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'A viewer of the case (`read-only-member`)' })
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'The case is closed (`case-closed`)' })
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'The assignee is not a member of the case (`assignee-not-member`)' })
  create(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Body() dto: CreateTaskDto): Promise<TaskResponseDto> {
    return this.tasks.create(ctx, id, dto);
  }

  @Get()
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'List the tasks of a case by due date (none last); filters `status`, `assigneeId`, `overdue`. Audited (`task.list`).' })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiCaseNotFound()
  list(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Query() query: TaskListQueryDto): Promise<Page<TaskResponseDto>> {
    return this.tasks.list(ctx, id, query);
  }

  @Get(':taskId')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'Get a task (ETag: its version). Audited (`task.read`).' })
  @ApiOkResponse({ type: TaskResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound('case or task')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Param('taskId', ParseIdPipe) taskId: string): Promise<TaskResponseDto> {
    return this.tasks.get(ctx, id, taskId);
  }

  @Patch(':taskId')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Change a task: title, description, assignee, due date, status `open` | `done` | `cancelled` (needs If-Match)' })
  @ApiOkResponse({ type: TaskResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiCaseNotFound('case or task')
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'A viewer of the case (`read-only-member`)' })
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'The case is closed (`case-closed`)' })
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'The assignee is not a member of the case (`assignee-not-member`)' })
  update(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Param('taskId', ParseIdPipe) taskId: string, @IfMatchVersion() version: number, @Body() dto: UpdateTaskDto): Promise<TaskResponseDto> {
    return this.tasks.update(ctx, id, taskId, version, dto);
  }
}
