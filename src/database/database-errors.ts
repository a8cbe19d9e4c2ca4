import { databaseFaultOf } from '../common/errors/database-fault';
import { ConflictError, DomainError, RuleViolationError, ServiceUnavailableError } from '../common/errors/domain.error';

/** A repository's own answers to the constraints it knows: constraint name → the domain error to throw. */
export type ConstraintErrors = Readonly<Record<string, () => DomainError>>;

interface DriverError {
  code?: string;
  constraint?: string;
}

function driverErrorOf(error: unknown): DriverError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as DriverError & { driverError?: DriverError };
  return e.driverError ?? e;
}

/**
 * Turns a database error into a domain error, inside the repository that ran the statement: unique,
 * foreign-key and check violations (named by the repository when it knows the constraint), serialization
 * failures and deadlocks (409, retry), and a database that is unreachable, exhausted or too slow (503 with
 * Retry-After). Anything else is returned unchanged (a bug: the problem filter answers 500). Never carries
 * SQL, parameters or row values: those can hold secrets.
 */
export function translateDatabaseError(error: unknown, constraints?: ConstraintErrors): unknown {
  if (error instanceof DomainError) return error;
  // Unreachable, restarting, exhausted or too slow: the one list of faults the problem mapper uses too.
  const fault = databaseFaultOf(error);
  if (fault) return Object.assign(new ServiceUnavailableError(fault.code, fault.detail, fault.retryAfterSeconds), { cause: error });
  const driver = driverErrorOf(error);
  const code = driver?.code;
  const known = driver?.constraint ? constraints?.[driver.constraint] : undefined;
  if (known) return known();
  switch (code ?? '') {
    case '23505':
      return new ConflictError('conflict', 'This conflicts with an existing record');
    case '23503':
      return new RuleViolationError('reference-not-found', 'The request refers to a record that does not exist');
    case '23514':
    case '23502':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
      return new RuleViolationError('invalid-value', 'A value is outside what this record accepts');
    case '40001':
    case '40P01':
      return new ConflictError('concurrent-update', 'A concurrent change got in the way; retry the request');
    default:
      break;
  }
  return error;
}
