import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { Principal } from '../../access/request-context';
import { IntegrationsService } from '../../integrations/integrations.service';

/** The custom API-key strategy: `X-API-Key` header only (never a query parameter). */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly integrations: IntegrationsService) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const header = request.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key) return false;
    return (await this.integrations.authenticate(key)) ?? false;
  }
}
