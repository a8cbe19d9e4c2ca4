import { Body, CanActivate, Controller, DynamicModule, ExecutionContext, Get, HttpCode, Injectable, Module, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../../src/access/public.decorator';
import { IfMatchVersion, assertVersion } from '../../src/common/concurrency/if-match';
import { decodeCursor, Page, toPage } from '../../src/common/pagination/keyset';
import { PageQueryDto } from '../../src/common/pagination/page-query.dto';
import { RequireIdempotencyKey } from '../../src/common/idempotency/idempotency.interceptor';

/** Test-only: sets a principal from `X-Test-Principal`, so cross-cutting pieces can be tested alone. */
@Injectable()
class TestPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const id = request.headers['x-test-principal'];
    if (typeof id === 'string') request.principal = { kind: 'user', id, roles: [] };
    return true;
  }
}

class EchoDto {
  @IsString() @MaxLength(20) name!: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(5000) delayMs?: number;
}

class DbProbeQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(60_000) sleepMs?: number;
}

export const probeState = { executions: 0, version: 3 };

const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: `item-${String(i).padStart(2, '0')}` }));

@Public()
@UseGuards(TestPrincipalGuard)
@Controller('__probe')
class ProbeController {
  constructor(private readonly dataSource: DataSource) {}

  /** One query on a pooled connection, held for `sleepMs`: for database fault tests. */
  @Get('db')
  async db(@Query() query: DbProbeQueryDto): Promise<{ ok: true }> {
    await this.dataSource.query('SELECT pg_sleep($1)', [(query.sleepMs ?? 0) / 1000]);
    return { ok: true };
  }

  @Post('echo')
  async echo(@Body() body: EchoDto): Promise<{ execution: number; name: string; version: number }> {
    probeState.executions += 1;
    const execution = probeState.executions;
    if (body.delayMs) await new Promise((r) => setTimeout(r, body.delayMs));
    if (body.name === 'fail') throw new Error('internal failure: SELECT secret FROM vault');
    return { execution, name: body.name, version: 1 };
  }

  @Post('strict')
  @RequireIdempotencyKey()
  strict(@Body() body: EchoDto): { name: string } {
    return { name: body.name };
  }

  @Get('items')
  items(@Query() query: PageQueryDto): Page<{ id: string }> {
    const after = decodeCursor(query.cursor, ['string'])?.[0] as string | undefined;
    const rows = ITEMS.filter((i) => after === undefined || i.id > after).slice(0, query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.id], (r) => r);
  }

  @Patch('versioned')
  @HttpCode(200)
  versioned(@IfMatchVersion() expected: number): { version: number } {
    assertVersion(expected, probeState.version);
    probeState.version += 1;
    return { version: probeState.version };
  }

  @Get('boom')
  boom(): never {
    throw new Error('connection to 10.0.0.7 failed: password authentication failed for user "casefile"');
  }
}

@Module({ controllers: [ProbeController], providers: [TestPrincipalGuard] })
class ProbeModule {}

export const withProbe = (root: DynamicModule): DynamicModule => ({ module: class ProbeRootModule {}, imports: [root, ProbeModule] });
