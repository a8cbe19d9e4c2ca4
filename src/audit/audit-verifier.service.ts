import { Injectable } from '@nestjs/common';
import { chainHash, checkpointMessage, GENESIS_HASH } from './audit-chain';
import { AuditSealer } from './audit-sealer.service';
import { AuditRepository } from './audit.repository';

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

type Break = NonNullable<VerifyReport['firstInvalid']>;

/**
 * Recomputes the chain from the records as they are now, streaming it in chain order (COPY, one network
 * chunk in memory at a time), and checks every signed checkpoint. Reports the first record that was
 * changed, removed or reordered.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly repository: AuditRepository,
    private readonly sealer: AuditSealer,
  ) {}

  async verify(): Promise<VerifyReport> {
    const [checkpoints, head, unsealedOverAMinute] = await Promise.all([this.repository.checkpoints(), this.repository.lastPosition(), this.repository.unsealedOlderThan(60)]);
    let checked = 0;
    const report = (firstInvalid: Break | null): VerifyReport => ({ valid: firstInvalid === null, checked, checkpointsChecked: checkpoints.length, unsealedOverAMinute, firstInvalid });

    for (const cp of checkpoints) {
      if (!this.sealer.signer.verify(checkpointMessage(cp.chainPosition, cp.headHash, cp.createdAt), cp.signature)) {
        return report({ position: cp.chainPosition, reason: 'checkpoint-signature-invalid', detail: `the checkpoint at position ${cp.chainPosition} does not carry a valid signature` });
      }
    }
    const checkpointAt = new Map(checkpoints.map((c) => [c.chainPosition, c.headHash]));
    const lastSigned = checkpoints.length ? BigInt(checkpoints[checkpoints.length - 1].chainPosition) : 0n;
    const end = BigInt(head) > lastSigned ? BigInt(head) : lastSigned;

    // Positions compared as numbers (exact below 2^53, nine quadrillion records) rather than parsing BigInts.
    let expected = 1;
    let prev = GENESIS_HASH;
    let broken: Break | null = null;
    await this.repository.streamChain(0n, end, (line) => {
      const t1 = line.indexOf('\t');
      const t2 = line.indexOf('\t', t1 + 1);
      const t3 = line.indexOf('\t', t2 + 1);
      const position = line.slice(0, t1);
      const prevHash = line.slice(t1 + 1, t2);
      const hash = line.slice(t2 + 1, t3);
      const canonical = line.slice(t3 + 1);
      if (Number(position) !== expected) {
        broken = { position: expected.toString(), reason: 'missing', detail: `no record at position ${expected} (the next one found is ${position})` };
      } else if (canonical.startsWith('\\N\t')) {
        broken = { position, reason: 'missing', detail: `the record sealed at position ${position} no longer exists` };
      } else if (prevHash !== prev) {
        broken = { position, reason: 'reordered', detail: `the record at position ${position} was chained after another record than the one before it now` };
      } else if (chainHash(prevHash, canonical) !== hash) {
        broken = { position, reason: 'changed', detail: `the content of the record at position ${position} no longer matches its hash` };
      } else if (checkpointAt.has(position) && checkpointAt.get(position) !== hash) {
        broken = { position, reason: 'changed', detail: `the record at position ${position} differs from the signed checkpoint (a rewritten chain)` };
      }
      if (broken) return false;
      prev = hash;
      expected += 1;
      checked += 1;
      return true;
    });
    if (!broken && BigInt(expected) <= end) {
      broken = { position: expected.toString(), reason: 'missing', detail: `the chain ends at ${expected - 1} but a checkpoint was signed at ${end}` };
    }
    return report(broken);
  }
}
