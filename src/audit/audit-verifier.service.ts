import { Injectable } from '@nestjs/common';
import { chainHash, checkpointMessage, GENESIS_HASH } from './audit-chain';
import { AuditSealer } from './audit-sealer.service';
import { AuditRepository, ChainRow } from './audit.repository';

export type ChainBreak = 'changed' | 'missing' | 'reordered' | 'checkpoint-signature-invalid';

export interface VerifyReport {
  valid: boolean;
  /** Sealed records checked (the chain up to its head when verification started). */
  checked: number;
  checkpointsChecked: number;
  /** Records older than a minute that are still unsealed: a stalled sequencer or a tampered queue. */
  unsealedOverAMinute: number;
  firstInvalid: { position: string; reason: ChainBreak; detail: string } | null;
}

/** Positions per slice, and slices fetched ahead while the current one is hashed. */
const SLICE = 25_000;
const AHEAD = 2;

/**
 * Recomputes the chain from the records as they are now, slice by slice in chain order (memory stays
 * bounded by a few slices; the next slices are fetched while one is hashed), and checks every signed
 * checkpoint. Reports the first record that was changed, removed or reordered.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly repository: AuditRepository,
    private readonly sealer: AuditSealer,
  ) {}

  async verify(): Promise<VerifyReport> {
    const [checkpoints, head, unsealedOverAMinute] = await Promise.all([this.repository.checkpoints(), this.repository.lastPosition(), this.repository.unsealedOlderThan(60)]);
    const end = BigInt(head);
    let checked = 0;
    const fail = (position: string, reason: ChainBreak, detail: string): VerifyReport => ({
      valid: false,
      checked,
      checkpointsChecked: checkpoints.length,
      unsealedOverAMinute,
      firstInvalid: { position, reason, detail },
    });
    for (const cp of checkpoints) {
      if (!this.sealer.signer.verify(checkpointMessage(cp.chainPosition, cp.headHash, cp.createdAt), cp.signature)) {
        return fail(cp.chainPosition, 'checkpoint-signature-invalid', `the checkpoint at position ${cp.chainPosition} does not carry a valid signature`);
      }
    }
    const checkpointAt = new Map(checkpoints.map((c) => [c.chainPosition, c.headHash]));
    const lastSigned = checkpoints.length ? BigInt(checkpoints[checkpoints.length - 1].chainPosition) : 0n;
    const stop = end > lastSigned ? end : lastSigned;

    let expected = 1n;
    let prev = GENESIS_HASH;
    const slices: Promise<ChainRow[]>[] = [];
    let nextFrom = 0n;
    const fetchAhead = (): void => {
      while (slices.length < AHEAD && nextFrom < stop) {
        const to = nextFrom + BigInt(SLICE) < stop ? nextFrom + BigInt(SLICE) : stop;
        slices.push(this.repository.chainRange(nextFrom.toString(), to.toString()));
        nextFrom = to;
      }
    };
    fetchAhead();
    try {
      while (slices.length > 0) {
        const rows = await slices.shift()!;
        fetchAhead();
        for (const [position, prevHash, hash, canonical] of rows) {
          if (BigInt(position) !== expected) return fail(expected.toString(), 'missing', `no record at position ${expected} (the next one found is ${position})`);
          if (canonical === null) return fail(position, 'missing', `the record sealed at position ${position} no longer exists`);
          if (prevHash !== prev) return fail(position, 'reordered', `the record at position ${position} was chained after another record than the one before it now`);
          if (chainHash(prevHash, canonical) !== hash) return fail(position, 'changed', `the content of the record at position ${position} no longer matches its hash`);
          const signedHead = checkpointAt.get(position);
          if (signedHead !== undefined && signedHead !== hash) return fail(position, 'changed', `the record at position ${position} differs from the signed checkpoint (a rewritten chain)`);
          prev = hash;
          expected += 1n;
          checked += 1;
        }
      }
    } finally {
      await Promise.allSettled(slices);
    }
    if (expected <= stop) return fail(expected.toString(), 'missing', `the chain ends at ${expected - 1n} but reaches ${stop} by its head or a signed checkpoint`);
    return { valid: true, checked, checkpointsChecked: checkpoints.length, unsealedOverAMinute, firstInvalid: null };
  }
}
