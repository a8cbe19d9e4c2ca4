import { moduleErrors } from '../common/errors/domain.error';

/** The organizations module's error codes and their statuses. */
export const ORGANIZATION_ERROR_STATUS = {
  'not-found': 404,
  'invalid-website': 400,
} as const;

abstract class OrganizationsError extends moduleErrors(ORGANIZATION_ERROR_STATUS) {}

export class OrganizationNotFoundError extends OrganizationsError {
  constructor(id: string) {
    super('not-found', `No organization with id ${id} exists`);
  }
}

export class InvalidWebsiteError extends OrganizationsError {
  constructor(index: number, reason: string) {
    super('invalid-website', `websites[${index}].domain ${reason}`, { errors: [{ field: `websites.${index}.domain`, message: reason }] });
  }
}
