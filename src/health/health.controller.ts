import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/public.decorator';
import { HttpMetrics } from '../common/metrics/http-metrics';
import { HealthService, Readiness } from './health.service';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    @Inject(HttpMetrics) private readonly metrics: HttpMetrics,
  ) {}

  @Public()
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL reachable and all migrations applied (503 otherwise)' })
  @ApiOkResponse({ schema: { example: { ready: true, checks: { database: 'up', migrations: 'applied' } } } })
  @ApiServiceUnavailableResponse({ schema: { example: { ready: false, checks: { database: 'down', migrations: 'unknown' } } } })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const readiness = await this.health.readiness();
    if (!readiness.ready) void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (scrape from the internal network only)' })
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
