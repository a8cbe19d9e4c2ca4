import { Injectable } from '@nestjs/common';
import { chainHash, checkpointMessage, GENESIS_HASH } from './audit-chain';
import { AuditSealer } from './audit-sealer.service';
import { AuditRepository } from './audit.repository';

export type ChainBreak = 'changed' | 'missing' | 'reordered' | 'checkpoint-signature-invalid';

export interface VerifyReport {
  valid: boolean;
  /** Sealed records checked. */
  checked: number;
  checkpointsChecked: number;
  firstInvalid: { position: string; reason: ChainBreak; detail: string } | null;
}

const SLICE = 20_000;

/**
 * Recomputes the chain from the records as they are now, slice by slice in chain order (memory stays flat),
 * and checks every signed checkpoint. Reports the first record that was changed, removed or reordered.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly repository: AuditRepository,
    private readonly sealer: AuditSealer,
  ) {}

  async verify(): Promise<VerifyReport> {
    const checkpoints = await this.repository.checkpoints();
    const fail = (position: string, reason: ChainBreak, detail: string, checked: number): VerifyReport => ({
      valid: false,
      checked,
      checkpointsChecked: checkpoints.length,
      firstInvalid: { position, reason, detail },
    });
    for (const cp of checkpoints) {
      if (!this.sealer.signer.verify(checkpointMessage(cp.chainPosition, cp.headHash, cp.createdAt), cp.signature)) {
        return fail(cp.chainPosition, 'checkpoint-signature-invalid', `the checkpoint at position ${cp.chainPosition} does not carry a valid signature`, 0);
      }
    }
    const checkpointAt = new Map(checkpoints.map((c) => [c.chainPosition, c.headHash]));
    let expected = 1n;
    let prev = GENESIS_HASH;
    let checked = 0;
    let after = '0';
    for (;;) {
      const rows = await this.repository.chainSlice(after, SLICE);
      for (const [position, prevHash, hash, canonical] of rows) {
        if (BigInt(position) !== expected) {
          return fail(expected.toString(), 'missing', `no record at position ${expected} (the next one found is ${position})`, checked);
        }
        if (prevHash !== prev) {
          return fail(position, 'reordered', `the record at position ${position} was chained after another record than the one before it now`, checked);
        }
        if (chainHash(prevHash, canonical) !== hash) {
          return fail(position, 'changed', `the content of the record at position ${position} no longer matches its hash`, checked);
        }
        const signedHead = checkpointAt.get(position);
        if (signedHead !== undefined && signedHead !== hash) {
          return fail(position, 'changed', `the record at position ${position} differs from the signed checkpoint (rehashed chain)`, checked);
        }
        prev = hash;
        expected += 1n;
        checked += 1;
      }
      if (rows.length < SLICE) break;
      after = rows[rows.length - 1][0];
    }
    const lastSigned = checkpoints[checkpoints.length - 1];
    if (lastSigned && BigInt(lastSigned.chainPosition) >= expected) {
      return fail(expected.toString(), 'missing', `the chain ends at ${expected - 1n} but a checkpoint was signed at ${lastSigned.chainPosition}`, checked);
    }
    return { valid: true, checked, checkpointsChecked: checkpoints.length, firstInvalid: null };
  }
}
