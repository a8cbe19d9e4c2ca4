import { UUID, TIMESTAMP, DATE, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, registerDecorator, ValidationOptions } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { TaskStatus } from '../case-task.entity';
import type { MyTaskRecord, TaskRecord } from '../case-tasks.repository';
import { IsOptionalNotNull, TEXT } from '../../common/validators';

export const TASK_STATUSES: readonly TaskStatus[] = ['open', 'done', 'cancelled'];

/** A real calendar date `YYYY-MM-DD` between 2000 and 2100 (not a time, not 2025-02-30). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a date (YYYY-MM-DD) between 2000-01-01 and 2100-12-31`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const [y, m, d] = value.split('-').map(Number);
          const date = new Date(Date.UTC(y, m - 1, d));
          return y >= 2000 && y <= 2100 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
        },
      },
    });
}

export class CreateTaskDto {
  @ApiProperty({ example: 'Subpoena the payment platform for the wallet owners', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: 'title must not contain control characters' })
  title!: string;

  @ApiPropertyOptional({ maxLength: 5000, default: '' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(5000)
  @Matches(TEXT, { message: 'description must not contain control characters' })
  description?: string;

  @ApiPropertyOptional({ ...UUID, nullable: true, description: 'A member of the case (422 otherwise)' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ ...DATE, nullable: true, example: '2025-03-31', description: 'A calendar date; overdue from the next day (UTC)' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string | null;
}

export class UpdateTaskDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: 'title must not contain control characters' })
  title?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(5000)
  @Matches(TEXT, { message: 'description must not contain control characters' })
  description?: string;

  @ApiPropertyOptional({ ...UUID, nullable: true, description: 'A member of the case, or null to unassign' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ ...DATE, nullable: true, example: '2025-03-31', description: 'A calendar date, or null to clear it' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string | null;

  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptionalNotNull()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}

export class TaskListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional(UUID)
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ type: Boolean, description: '`true`: open tasks past their due date (UTC); `false`: the others' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;
}

export class MyTaskQueryDto extends PageQueryDto {}

export class TaskResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) caseId!: string;
  @ApiProperty({ maxLength: 200 }) title!: string;
  @ApiProperty({ maxLength: 5000 }) description!: string;
  @ApiProperty({ ...UUID, nullable: true }) assigneeId!: string | null;
  @ApiProperty({ ...DATE, nullable: true, example: '2025-03-31' }) dueDate!: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status!: TaskStatus;
  @ApiProperty({ description: 'Open and past its due date (UTC)' }) overdue!: boolean;
  @ApiProperty(UUID) createdBy!: string;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
  @ApiProperty(VERSION) version!: number;
}

export class MyTaskResponseDto extends TaskResponseDto {
  @ApiProperty({ example: 'CF-2024-0001', pattern: '^CF-\\d{4}-\\d{4,}$', maxLength: 20 }) caseNumber!: string;
}

export const TaskPageDto = PageOf(TaskResponseDto);
export const MyTaskPageDto = PageOf(MyTaskResponseDto);

export function toTaskResponse(t: TaskRecord): TaskResponseDto {
  return {
    id: t.id,
    caseId: t.caseId,
    title: t.title,
    description: t.description,
    assigneeId: t.assigneeId,
    dueDate: t.dueDate,
    status: t.status,
    overdue: t.overdue,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    version: t.version,
  };
}

export function toMyTaskResponse(t: MyTaskRecord): MyTaskResponseDto {
  return { ...toTaskResponse(t), caseNumber: t.caseNumber };
}
