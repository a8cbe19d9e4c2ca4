import { moduleErrors } from '../common/errors/domain.error';
import type { ClaimState } from './reward-claim.entity';

/** The rewards module's error codes and their statuses. */
export const REWARD_ERROR_STATUS = {
  'offer-not-found': 404,
  'claim-not-found': 404,
  'offer-reference-not-found': 422,
  'tip-not-found': 422,
  'registry-entity-not-found': 422,
  'tip-not-eligible': 422,
  'currency-mismatch': 422,
  'payment-time-invalid': 422,
  'separation-of-duties': 403,
  'not-on-case': 403,
  'invalid-claim-transition': 409,
  'offer-closed': 409,
  'cap-exceeded': 409,
  'claim-exists': 409,
  'payment-reference-used': 409,
} as const;

abstract class RewardsError extends moduleErrors(REWARD_ERROR_STATUS) {}

/** Money in the problem document: integer minor units, like everywhere else. */
const money = (amount: number, currency: string): { amount: number; currency: string } => ({ amount, currency });

export class OfferNotFoundError extends RewardsError {
  constructor(id: string) {
    super('offer-not-found', `No reward offer with id ${id} exists`);
  }
}

/** A claim the caller may not see is a claim that does not exist (its tip's need-to-know). */
export class ClaimNotFoundError extends RewardsError {
  constructor(id: string) {
    super('claim-not-found', `No reward claim with id ${id} exists, or you may not see it`);
  }
}

/** offerId of a claim names no offer. */
export class OfferReferenceNotFoundError extends RewardsError {
  constructor(id: string) {
    super('offer-reference-not-found', `No reward offer with id ${id} exists`, { errors: [{ field: 'offerId', message: 'must be an existing offer' }] });
  }
}

/** tipId of a claim names no tip the caller may see. */
export class ClaimTipNotFoundError extends RewardsError {
  constructor(id: string) {
    super('tip-not-found', `No tip with id ${id} exists, or you may not see it`, { errors: [{ field: 'tipId', message: 'must be a tip you may see' }] });
  }
}

export class RegistryEntityNotFoundError extends RewardsError {
  constructor(field: 'subjectIds' | 'organizationIds', missing: readonly string[]) {
    const what = field === 'subjectIds' ? 'subject' : 'organization';
    super('registry-entity-not-found', `No ${what} with id ${missing.join(', ')} exists in the registry`, {
      errors: [{ field, message: `must be ids of existing ${what}s (unknown: ${missing.join(', ')})` }],
    });
  }
}

export class TipNotEligibleError extends RewardsError {
  constructor(why: string) {
    super('tip-not-eligible', `This tip cannot be rewarded from this offer: ${why}`, { errors: [{ field: 'tipId', message: why }] });
  }
}

export class CurrencyMismatchError extends RewardsError {
  constructor(given: string, offer: string) {
    super('currency-mismatch', `The offer pays in ${offer}: a claim on it is in ${offer}, not ${given}`, {
      errors: [{ field: 'amount.currency', message: `must be ${offer}, the offer's currency` }],
    });
  }
}

export class PaymentTimeError extends RewardsError {
  constructor(why: string) {
    super('payment-time-invalid', `paidAt ${why}`, { errors: [{ field: 'paidAt', message: why }] });
  }
}

/** Two-person rules: the recommender does not decide, the approver does not pay. */
export class SeparationOfDutiesError extends RewardsError {
  constructor(detail: string) {
    super('separation-of-duties', detail);
  }
}

export class NotOnCaseError extends RewardsError {
  constructor() {
    super(
      'not-on-case',
      "An investigator recommends rewards only for tips linked to a case they work on (its lead or a member; viewers read only); a supervisor recommends for any tip",
    );
  }
}

export const ALLOWED_CLAIM_MOVES: Record<ClaimState, readonly ClaimState[]> = {
  recommended: ['approved', 'denied'],
  approved: ['paid'],
  denied: [],
  paid: [],
};

export class InvalidClaimTransitionError extends RewardsError {
  constructor(from: ClaimState, to: ClaimState) {
    const allowed = ALLOWED_CLAIM_MOVES[from];
    super(
      'invalid-claim-transition',
      `${/^[aeiou]/.test(from) ? 'An' : 'A'} ${from} claim cannot be ${to}; from ${from} it can be: ${allowed.length ? allowed.join(', ') : 'nothing (final)'}`,
      { extensions: { state: from, allowed: [...allowed] } },
    );
  }
}

export class OfferClosedError extends RewardsError {
  constructor(what: string) {
    super('offer-closed', `The offer is closed: ${what}`);
  }
}

export class CapExceededError extends RewardsError {
  /** Without figures: the database's own check (ck_reward_offer_cap) refused the total. */
  constructor(figures?: { requested: number; remaining: number; currency: string }) {
    super(
      'cap-exceeded',
      figures
        ? `The offer has ${figures.remaining} ${figures.currency} (minor units) left of its maximum; ${figures.requested} does not fit`
        : 'The approved and paid claims of the offer would exceed its maximum',
      figures ? { extensions: { requested: money(figures.requested, figures.currency), remaining: money(figures.remaining, figures.currency) } } : undefined,
    );
  }
}

export class ClaimExistsError extends RewardsError {
  constructor() {
    super('claim-exists', 'This tip already has a claim on this offer that is not denied: one tip is rewarded once per offer');
  }
}

export class PaymentReferenceUsedError extends RewardsError {
  constructor() {
    super('payment-reference-used', 'This payment reference already paid another claim: a payment is recorded once', {
      errors: [{ field: 'paymentReference', message: 'is already recorded on another claim' }],
    });
  }
}
