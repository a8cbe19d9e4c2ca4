import { moduleErrors } from '../common/errors/domain.error';

/** The integrations module's error codes and their statuses. */
export const INTEGRATION_ERROR_STATUS = {
  'not-found': 404,
  'integration-revoked': 422,
} as const;

abstract class IntegrationsError extends moduleErrors(INTEGRATION_ERROR_STATUS) {}

export class IntegrationNotFoundError extends IntegrationsError {
  constructor(id: string) {
    super('not-found', `No integration with id ${id} exists`);
  }
}

export class IntegrationRevokedError extends IntegrationsError {
  constructor() {
    super('integration-revoked', 'A revoked integration cannot get a new key: create a new integration');
  }
}
