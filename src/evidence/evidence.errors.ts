import { DomainError, moduleErrors } from '../common/errors/domain.error';
import type { CustodyState } from './evidence.entity';

/** The evidence module's error codes and their statuses. */
export const EVIDENCE_ERROR_STATUS = {
  'not-found': 404,
  'no-file': 404,
  'metadata-required': 400,
  'invalid-multipart': 400,
  'invalid-digest-header': 400,
  'digest-mismatch': 422,
  'custodian-not-member': 422,
  'custody-time-invalid': 422,
  'invalid-custody-transition': 409,
  'not-custodian': 409,
  'legal-hold': 409,
  'integrity-failed': 409,
} as const;

abstract class EvidenceError extends moduleErrors(EVIDENCE_ERROR_STATUS) {}

export class EvidenceNotFoundError extends EvidenceError {
  constructor(id: string) {
    super('not-found', `No evidence with id ${id} exists, or you may not see it`);
  }
}

export class NoFileError extends EvidenceError {
  constructor() {
    super('no-file', 'This item of evidence has no file (a physical item)');
  }
}

export class MetadataRequiredError extends EvidenceError {
  constructor(detail = 'A multipart upload starts with a `metadata` part (the item as JSON), then at most one `file` part') {
    super('metadata-required', detail, { errors: [{ field: 'metadata', message: 'is required, as the first part' }] });
  }
}

export class InvalidMultipartError extends EvidenceError {
  constructor(detail: string, field?: string) {
    super('invalid-multipart', detail, field ? { errors: [{ field, message: detail }] } : undefined);
  }
}

export class InvalidDigestHeaderError extends EvidenceError {
  constructor() {
    super('invalid-digest-header', 'Repr-Digest must carry sha-256 as a byte sequence: `Repr-Digest: sha-256=:<base64 of the 32-byte digest>:`');
  }
}

export class DigestMismatchError extends EvidenceError {
  constructor(declared: string, computed: string) {
    super('digest-mismatch', `The file's SHA-256 is ${computed}, not the ${declared} you declared: nothing was kept`);
  }
}

export class CustodianNotMemberError extends EvidenceError {
  constructor(why = 'must be a member of the case') {
    super('custodian-not-member', `The receiver of a transfer ${why}`, { errors: [{ field: 'toUserId', message: why }] });
  }
}

export class CustodyTimeError extends EvidenceError {
  constructor(why: string) {
    super('custody-time-invalid', `occurredAt ${why}`, { errors: [{ field: 'occurredAt', message: why }] });
  }
}

export class InvalidCustodyTransitionError extends EvidenceError {
  constructor(state: CustodyState, event: string, allowed: readonly string[]) {
    super(
      'invalid-custody-transition',
      `An item that is ${state.replace('_', ' ')} cannot be ${event.replace('_', ' ')}; allowed now: ${allowed.length > 0 ? allowed.join(', ') : 'nothing (the chain of custody has ended)'}`,
      { extensions: { state, allowed } },
    );
  }
}

export class NotCustodianError extends EvidenceError {
  constructor(event: string) {
    super('not-custodian', `Only the current custodian or a supervisor records \`${event}\``);
  }
}

export class LegalHoldError extends EvidenceError {
  constructor(event: string) {
    super('legal-hold', `The case is under legal hold: nothing under it may be ${event} until a supervisor lifts the hold`);
  }
}

export class IntegrityFailedError extends EvidenceError {
  constructor(detail = 'The stored file no longer matches what was collected (it failed its integrity check): it is not served. Investigate; the failure is recorded') {
    super('integrity-failed', detail);
  }
}

/** 413: larger than EVIDENCE_MAX_BYTES. */
export class EvidenceTooLargeError extends DomainError {
  readonly code = 'content-too-large';
  readonly status = 413;
  readonly title = 'Content too large';
  constructor(limit: number) {
    super(`Evidence files are limited to ${limit} bytes (EVIDENCE_MAX_BYTES): nothing was kept`, { headers: { Connection: 'close' } });
  }
}

/** 416: a Range that starts past the end. */
export class RangeNotSatisfiableError extends DomainError {
  readonly code = 'range-not-satisfiable';
  readonly status = 416;
  readonly title = 'Range not satisfiable';
  constructor(size: number) {
    super(`The file has ${size} bytes: ask for a range that starts before its end`, { headers: { 'Content-Range': `bytes */${size}` } });
  }
}

/** 406: a manifest in a format it does not come in. */
export class NotAcceptableError extends DomainError {
  readonly code = 'not-acceptable';
  readonly status = 406;
  readonly title = 'Not acceptable';
  constructor() {
    super('The manifest comes as application/json or text/csv (Accept, or ?format=json|csv)');
  }
}
