import { Injectable } from '@nestjs/common';
import { AuditTrail, SYSTEM_CONTEXT } from '../audit/audit-trail.service';
import { TipsterVault } from './tipster-vault';
import './tips.audit';
import { TipsRepository } from './tips.repository';

/**
 * After a FIELD_ENCRYPTION_KEY rotation (`<new key>,<old key>`): seals every tipster identity still under an
 * older key again under the current one, in batches, each change with its audit record. Safe to run again
 * and beside the service (a row changed meanwhile is left to the next run). `npm run tips:reencrypt`.
 */
@Injectable()
export class TipsterReencryption {
  constructor(
    private readonly tips: TipsRepository,
    private readonly vault: TipsterVault,
    private readonly audit: AuditTrail,
  ) {}

  /** How many identities were sealed again, and how many were left (changed meanwhile). */
  async run(batchSize = 500): Promise<{ resealed: number; skipped: number }> {
    const current = this.vault.currentKeyId;
    let after: string | null = null;
    let resealed = 0;
    let skipped = 0;
    for (;;) {
      const batch = await this.tips.sealedWithOtherKey(current, after, batchSize);
      if (batch.length === 0) break;
      for (const row of batch) {
        const identity = this.vault.open(row.id, row.tipsterIdentity);
        const sealed = this.vault.seal(row.id, identity);
        const done = await this.audit.transaction(SYSTEM_CONTEXT, { action: 'tip.reencrypt', resourceType: 'tip', resourceId: row.id }, async (tx, change) => {
          change.set({ details: { fromKeyId: row.tipsterKeyId, toKeyId: sealed.keyId } });
          return this.tips.reseal(tx, row.id, row.tipsterIdentity, sealed.ciphertext, sealed.keyId);
        });
        if (done) resealed += 1;
        else skipped += 1;
      }
      after = batch[batch.length - 1].id;
    }
    return { resealed, skipped };
  }
}
