import { Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { newId } from '../database/ids';
import { paginateList } from '../common/pagination/list-cursor';
import { CaseTasksRepository, TaskPatch, TaskRecord } from './case-tasks.repository';
import './cases.audit';
import { AssigneeNotMemberError, TaskNotFoundError } from './cases.errors';
import { CasesService } from './cases.service';
import { CreateTaskDto, MyTaskQueryDto, MyTaskResponseDto, TaskListQueryDto, TaskResponseDto, toMyTaskResponse, toTaskResponse, UpdateTaskDto } from './dto/task.dto';

function auditView(t: Pick<TaskRecord, 'title' | 'description' | 'assigneeId' | 'dueDate' | 'status'>): Record<string, unknown> {
  return { title: t.title, description: t.description, assigneeId: t.assigneeId, dueDate: t.dueDate, status: t.status };
}

/** Tasks of a case, assigned to its members; and `me/tasks`. */
@Injectable()
export class CaseTasksService {
  constructor(
    private readonly tasks: CaseTasksRepository,
    private readonly cases: CasesService,
    private readonly audit: AuditTrail,
  ) {}

  async create(ctx: RequestContext, caseId: string, dto: CreateTaskDto): Promise<TaskResponseDto> {
    const id = newId();
    const task = { title: dto.title, description: dto.description ?? '', assigneeId: dto.assigneeId?.toLowerCase() ?? null, dueDate: dto.dueDate ?? null, status: 'open' as const };
    return this.audit.transaction(ctx, { action: 'task.create', resourceType: 'task', resourceId: id, caseId }, async (tx, change) => {
      await this.cases.requireWritable(tx, ctx, caseId, 'task.create');
      change.set({ before: null, after: auditView(task) });
      const created = await this.tasks.insert(tx, { id, caseId, ...task, createdBy: ctx.principal!.id });
      if (!created) throw new AssigneeNotMemberError();
      return toTaskResponse(created);
    });
  }

  async list(ctx: RequestContext, caseId: string, query: TaskListQueryDto): Promise<Page<TaskResponseDto>> {
    await this.cases.requireReadable(ctx, caseId, 'task.list');
    const filter = { status: query.status, assigneeId: query.assigneeId?.toLowerCase(), overdue: query.overdue };
    const page = await paginateList(`tasks:${caseId}`, query, ['date', 'uuid'], (after, take) => this.tasks.list(caseId, filter, after, take), (t) => [t.dueKey, t.id], toTaskResponse);
    await this.audit.record(ctx, { action: 'task.list', resourceType: 'case', resourceId: caseId, caseId, details: { filters: filter, count: page.data.length } });
    return page;
  }

  async get(ctx: RequestContext, caseId: string, id: string): Promise<TaskResponseDto> {
    await this.cases.requireReadable(ctx, caseId, 'task.read');
    const task = await this.tasks.find(caseId, id);
    if (!task) throw new TaskNotFoundError(id);
    await this.audit.record(ctx, { action: 'task.read', resourceType: 'task', resourceId: id, caseId });
    return toTaskResponse(task);
  }

  async update(ctx: RequestContext, caseId: string, id: string, expectedVersion: number, dto: UpdateTaskDto): Promise<TaskResponseDto> {
    return this.audit.transaction(ctx, { action: 'task.update', resourceType: 'task', resourceId: id, caseId }, async (tx, change) => {
      await this.cases.requireWritable(tx, ctx, caseId, 'task.update');
      const current = await this.tasks.lock(tx, caseId, id);
      if (!current) throw new TaskNotFoundError(id);
      assertVersion(expectedVersion, current.version);
      const patch: TaskPatch = {};
      if (dto.title !== undefined && dto.title !== current.title) patch.title = dto.title;
      if (dto.description !== undefined && dto.description !== current.description) patch.description = dto.description;
      if (dto.status !== undefined && dto.status !== current.status) patch.status = dto.status;
      if (dto.assigneeId !== undefined && (dto.assigneeId?.toLowerCase() ?? null) !== current.assigneeId) patch.assigneeId = dto.assigneeId?.toLowerCase() ?? null;
      if (dto.dueDate !== undefined && (dto.dueDate ?? null) !== current.dueDate) patch.dueDate = dto.dueDate ?? null;
      if (Object.keys(patch).length === 0) return toTaskResponse(current);
      change.set({ before: auditView(current), after: auditView({ ...current, ...patch }) });
      const updated = await this.tasks.update(tx, caseId, id, patch);
      if (!updated) throw new AssigneeNotMemberError();
      return toTaskResponse(updated);
    });
  }

  /** Open tasks assigned to the caller on the cases they are a member of, by due date (none last). */
  async mine(ctx: RequestContext, query: MyTaskQueryDto): Promise<Page<MyTaskResponseDto>> {
    const page = await paginateList('me-tasks', query, ['date', 'uuid'], (after, take) => this.tasks.mine(ctx.principal!.id, after, take), (t) => [t.dueKey, t.id], toMyTaskResponse);
    await this.audit.record(ctx, { action: 'task.list', resourceType: 'task', details: { view: 'me', count: page.data.length, taskIds: page.data.map((t) => t.id) } });
    return page;
  }
}
