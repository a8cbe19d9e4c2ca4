import type { CustodyEventType, CustodyState } from './evidence.entity';

/** The custody events a member records (`collected` is the upload's, `verified` the integrity check's). */
export const RECORDABLE_EVENTS = ['transferred', 'checked_out', 'checked_in', 'sealed', 'unsealed', 'released', 'destroyed'] as const satisfies readonly CustodyEventType[];
export type RecordableEvent = (typeof RECORDABLE_EVENTS)[number];

/**
 * The chain of custody as a state machine: from each state, the events allowed and where they lead. Released
 * and destroyed end the chain. A sealed item travels sealed (it can be transferred) but is unsealed before
 * anything else; a checked-out item comes back (checked in) before anything else.
 */
const MOVES: Record<CustodyState, Partial<Record<RecordableEvent, CustodyState>>> = {
  in_custody: { transferred: 'in_custody', checked_out: 'checked_out', sealed: 'sealed', released: 'released', destroyed: 'destroyed' },
  checked_out: { checked_in: 'in_custody' },
  sealed: { transferred: 'sealed', unsealed: 'in_custody' },
  released: {},
  destroyed: {},
};

export function nextCustodyState(state: CustodyState, event: RecordableEvent): CustodyState | undefined {
  return MOVES[state][event];
}

export function allowedCustodyEvents(state: CustodyState): RecordableEvent[] {
  return Object.keys(MOVES[state]) as RecordableEvent[];
}

/** Events only the custodian (or a supervisor) records: the item leaves their hands. */
export const CUSTODIAN_ONLY: ReadonlySet<RecordableEvent> = new Set(['transferred', 'released', 'destroyed']);

/** Events a legal hold forbids: the item would leave the unit's keeping for good. */
export const FORBIDDEN_UNDER_HOLD: ReadonlySet<RecordableEvent> = new Set(['released', 'destroyed']);
