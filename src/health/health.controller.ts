import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ReadinessDto } from './dto/readiness.dto';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/public.decorator';
import { HttpMetrics } from '../common/metrics/http-metrics';
import { HealthService } from './health.service';

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
  @ApiOkResponse({ description: 'Serving', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  getLiveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL reachable and all migrations applied (503 otherwise)' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready: send traffic' })
  @ApiServiceUnavailableResponse({
    description: 'Not ready (the readiness, application/json), or shutting down (a problem, with Retry-After): send no traffic',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ReadinessDto) } } },
    headers: { 'Retry-After': { description: 'Seconds to wait (on the shutdown problem only)', required: false, schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86_400 } } },
  })
  async getReadiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const readiness = await this.health.readiness();
    if (!readiness.ready) void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (scrape from the internal network only)' })
  @ApiOkResponse({
    description: 'The Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string', example: '# HELP casefile_http_requests_total …' } } },
  })
  async getMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
