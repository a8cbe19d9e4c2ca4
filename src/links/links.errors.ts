import { moduleErrors } from '../common/errors/domain.error';

/** The links module's error codes and their statuses. */
export const LINK_ERROR_STATUS = {
  'not-found': 404,
  'invalid-endpoint': 400,
  'invalid-period': 400,
  'endpoint-not-found': 422,
  'graph-root-not-found': 404,
} as const;

abstract class LinksError extends moduleErrors(LINK_ERROR_STATUS) {}

export class LinkNotFoundError extends LinksError {
  constructor(id: string) {
    super('not-found', `No link with id ${id} exists`);
  }
}

/** The kind of link does not join these types (a selector employs no one). */
export class InvalidEndpointError extends LinksError {
  constructor(field: 'from' | 'to', message: string) {
    super('invalid-endpoint', `${field}: ${message}`, { errors: [{ field: `${field}.type`, message }] });
  }
}

export class InvalidPeriodError extends LinksError {
  constructor() {
    super('invalid-period', 'validTo is before validFrom', { errors: [{ field: 'validTo', message: 'must not be before validFrom' }] });
  }
}

export class EndpointNotFoundError extends LinksError {
  constructor(field: 'from' | 'to', type: string, id: string) {
    super('endpoint-not-found', `${field}: no ${type} with id ${id} exists`, { errors: [{ field: `${field}.id`, message: `no ${type} with this id exists` }] });
  }
}

export class GraphRootNotFoundError extends LinksError {
  constructor(type: string, id: string) {
    super('graph-root-not-found', `No ${type} with id ${id} exists`);
  }
}
