import { moduleErrors } from '../common/errors/domain.error';

/** The selectors module's error codes and their statuses. */
export const SELECTOR_ERROR_STATUS = {
  'not-found': 404,
  'invalid-selector': 400,
  'selector-exists': 409,
} as const;

abstract class SelectorsError extends moduleErrors(SELECTOR_ERROR_STATUS) {}

export class SelectorNotFoundError extends SelectorsError {
  constructor(id: string) {
    super('not-found', `No selector with id ${id} exists`);
  }
}

/** A value that is not a valid spelling of its kind: names the field and says why. */
export class InvalidSelectorError extends SelectorsError {
  constructor(field: string, kind: string, reason: string) {
    super('invalid-selector', `${field} is not a valid ${kind}: it ${reason}`, { errors: [{ field, message: `${kind} ${reason}` }] });
  }
}

/** The registry already holds this identifier: the problem carries the existing selector's id. */
export class SelectorExistsError extends SelectorsError {
  constructor(existingId: string, kind: string, normalizedValue: string) {
    super('selector-exists', `This ${kind} is already in the registry as ${normalizedValue}: use selector ${existingId}`, {
      extensions: { existingId },
      headers: { Location: `/api/v1/selectors/${existingId}` },
    });
  }
}
