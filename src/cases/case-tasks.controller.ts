import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { CaseTasksService } from './case-tasks.service';
import { ApiCaseNotFound } from './cases.openapi';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { CreateTaskDto, TaskListQueryDto, TaskPageDto, TaskResponseDto, UpdateTaskDto } from './dto/task.dto';
import { IdParam } from '../common/validation';

@ApiTags('cases')
@ApiProblems({ status: 400, description: 'Validation failed (unknown fields are refused; a due date that is not a date), or a cursor from another list' })
@Controller('cases/:id/tasks')
export class CaseTasksController {
  constructor(private readonly tasks: CaseTasksService) {}

  @Post()
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Add a task (members other than viewers, and supervisors); the assignee must be a member' })
  @ApiCreatedResponse({ type: TaskResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiProblems({ status: 403, description: 'A viewer of the case (`read-only-member`)' })
  @ApiProblems({ status: 409, description: 'The case is closed (`case-closed`)' })
  @ApiProblems({ status: 422, description: 'The assignee is not a member of the case (`assignee-not-member`)' })
  createCaseTask(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: CreateTaskDto): Promise<TaskResponseDto> {
    return this.tasks.create(ctx, id, dto);
  }

  @Get()
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'List the tasks of a case by due date (none last); filters `status`, `assigneeId`, `overdue`. Audited (`task.list`).' })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiCaseNotFound()
  listCaseTasks(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: TaskListQueryDto): Promise<Page<TaskResponseDto>> {
    return this.tasks.list(ctx, id, query);
  }

  @Get(':taskId')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'Get a task (ETag: its version). Audited (`task.read`).' })
  @ApiOkResponse({ type: TaskResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound('case or task')
  getCaseTask(@Ctx() ctx: RequestContext, @IdParam() id: string, @IdParam('taskId') taskId: string): Promise<TaskResponseDto> {
    return this.tasks.get(ctx, id, taskId);
  }

  @Patch(':taskId')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Change a task: title, description, assignee, due date, status `open` | `done` | `cancelled` (needs If-Match)' })
  @ApiOkResponse({ type: TaskResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiCaseNotFound('case or task')
  @ApiProblems({ status: 403, description: 'A viewer of the case (`read-only-member`)' })
  @ApiProblems({ status: 409, description: 'The case is closed (`case-closed`)' })
  @ApiProblems({ status: 422, description: 'The assignee is not a member of the case (`assignee-not-member`)' })
  updateCaseTask(@Ctx() ctx: RequestContext, @IdParam() id: string, @IdParam('taskId') taskId: string, @IfMatchVersion() version: number, @Body() dto: UpdateTaskDto): Promise<TaskResponseDto> {
    return this.tasks.update(ctx, id, taskId, version, dto);
  }
}
