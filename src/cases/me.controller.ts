import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { Page } from '../common/pagination/keyset';
import { CaseTasksService } from './case-tasks.service';
import { CasesService } from './cases.service';
import { CasePageDto, CaseResponseDto, MyCasesQueryDto } from './dto/case.dto';
import { MyTaskPageDto, MyTaskQueryDto, MyTaskResponseDto } from './dto/task.dto';

/** "My work": what an investigator's client shows first. */
@ApiTags('me')
@ApiProblems({ status: 400, description: 'Validation failed, or a cursor from another list' })
@Controller('me')
export class MeController {
  constructor(
    private readonly cases: CasesService,
    private readonly tasks: CaseTasksService,
  ) {}

  @Get('cases')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'The cases I am a member of, most recent activity first (supervisors: theirs only). Audited (`case.list`).' })
  @ApiOkResponse({ type: CasePageDto })
  listMyCases(@Ctx() ctx: RequestContext, @Query() query: MyCasesQueryDto): Promise<Page<CaseResponseDto>> {
    return this.cases.mine(ctx, query);
  }

  @Get('tasks')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'Open tasks assigned to me on the cases I am a member of, by due date (none last). Audited (`task.list`).' })
  @ApiOkResponse({ type: MyTaskPageDto })
  listMyTasks(@Ctx() ctx: RequestContext, @Query() query: MyTaskQueryDto): Promise<Page<MyTaskResponseDto>> {
    return this.tasks.mine(ctx, query);
  }
}
