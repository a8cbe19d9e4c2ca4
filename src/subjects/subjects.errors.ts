import { moduleErrors } from '../common/errors/domain.error';

/** The subjects module's error codes and their statuses. */
export const SUBJECT_ERROR_STATUS = {
  'not-found': 404,
} as const;

abstract class SubjectsError extends moduleErrors(SUBJECT_ERROR_STATUS) {}

export class SubjectNotFoundError extends SubjectsError {
  constructor(id: string) {
    super('not-found', `No subject with id ${id} exists`);
  }
}
