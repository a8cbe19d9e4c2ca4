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

interface RangeResult {
  broken: Break | null;
  /** The previous hash the range's first record was chained to (checked against the range before). */
  firstPrev: string;
  lastHash: string;
  count: number;
}

/** Ranges of the chain checked at once. Positions are compared as numbers: exact below 2^53. */
const PARTS = 2;

/**
 * Recomputes the chain from the records as they are now, streaming it in chain order (COPY, one network
 * chunk in memory per stream), and checks every signed checkpoint. Reports the first record that was
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
    const lastSigned = checkpoints.length ? Number(checkpoints[checkpoints.length - 1].chainPosition) : 0;
    const end = Math.max(Number(head), lastSigned);

    // The chain is checked in PARTS ranges at once (one COPY stream and connection each, so PostgreSQL
    // formats them on several cores); the links between ranges are checked after.
    const size = Math.ceil(end / PARTS);
    const ranges = Array.from({ length: PARTS }, (_, i) => [i * size, Math.min(end, (i + 1) * size)] as const).filter(([from, to]) => to > from);
    const results = await Promise.all(ranges.map(([from, to]) => this.checkRange(from, to, checkpointAt)));
    let broken: Break | null = null;
    let prev = GENESIS_HASH;
    for (const [i, result] of results.entries()) {
      const from = ranges[i][0];
      if (result.count > 0 && result.firstPrev !== prev && !(result.broken && Number(result.broken.position) === from + 1)) {
        broken = { position: String(from + 1), reason: 'reordered', detail: `the record at position ${from + 1} was chained after another record than the one before it now` };
        break;
      }
      checked += result.count;
      if (result.broken) {
        broken = result.broken;
        break;
      }
      prev = result.lastHash;
    }
    return report(broken);
  }

  /**
   * Checks positions (from, to] in order: each present, its record there, linked to the one before
   * (within the range), hashing to its seal, and matching a checkpoint signed there.
   */
  private async checkRange(from: number, to: number, checkpointAt: Map<string, string>): Promise<RangeResult> {
    let expected = from + 1;
    let prev: string | undefined;
    let firstPrev = '';
    let count = 0;
    let broken: Break | null = null;
    await this.repository.streamChain(BigInt(from), BigInt(to), (line) => {
      const t1 = line.indexOf('\t');
      const t2 = line.indexOf('\t', t1 + 1);
      const t3 = line.indexOf('\t', t2 + 1);
      const position = line.slice(0, t1);
      const prevHash = line.slice(t1 + 1, t2);
      const hash = line.slice(t2 + 1, t3);
      const canonical = line.slice(t3 + 1);
      if (Number(position) !== expected) {
        broken = { position: String(expected), reason: 'missing', detail: `no record at position ${expected} (the next one found is ${position})` };
      } else if (canonical.startsWith('\\N\t')) {
        broken = { position, reason: 'missing', detail: `the record sealed at position ${position} no longer exists` };
      } else if (prev !== undefined && prevHash !== prev) {
        broken = { position, reason: 'reordered', detail: `the record at position ${position} was chained after another record than the one before it now` };
      } else if (chainHash(prevHash, canonical) !== hash) {
        broken = { position, reason: 'changed', detail: `the content of the record at position ${position} no longer matches its hash` };
      } else if (checkpointAt.has(position) && checkpointAt.get(position) !== hash) {
        broken = { position, reason: 'changed', detail: `the record at position ${position} differs from the signed checkpoint (a rewritten chain)` };
      }
      if (broken) return false;
      if (prev === undefined) firstPrev = prevHash;
      prev = hash;
      expected += 1;
      count += 1;
      return true;
    });
    if (!broken && expected <= to) {
      broken = { position: String(expected), reason: 'missing', detail: `the chain ends at ${expected - 1} but reaches ${to} by its head or a signed checkpoint` };
    }
    return { broken, firstPrev, lastHash: prev ?? '', count };
  }
}
