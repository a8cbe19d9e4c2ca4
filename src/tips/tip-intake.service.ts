import { Inject, Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { AppConfig } from '../config/app-config';
import { newId } from '../database/ids';
import { SubmitTipDto, TipReceiptDto, toTipReceipt } from './dto/intake.dto';
import { extract } from './tip-extraction';
import { TipMatchingWorker } from './tip-matching-worker.service';
import { newTipReference, TIP_REFERENCE, TipsterVault } from './tipster-vault';
import './tips.audit';
import { ExternalIdSeenError, ReferenceExhaustedError, ReferenceTakenError, TipNotFoundError } from './tips.errors';
import { TipsRepository } from './tips.repository';

/**
 * Tip intake, integration-facing. A tip is checked, its tipster sealed, its narrative's identifiers and name
 * phrases extracted, and the tip (status `matching`), its place in the matching queue, its audit record and (with
 * the Idempotency-Key) the stored response commit together. Matching to the registry and the duplicate check run
 * right after, in the background (TipMatchingWorker: see the README for the measurements behind that choice).
 * The audit records of intake carry no source IP or user agent.
 */
@Injectable()
export class TipIntakeService {
  constructor(
    private readonly tips: TipsRepository,
    private readonly vault: TipsterVault,
    private readonly matching: TipMatchingWorker,
    private readonly audit: AuditTrail,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async submit(ctx: RequestContext, dto: SubmitTipDto): Promise<TipReceiptDto> {
    const integrationId = ctx.principal!.id;
    const tipster = this.vault.prepare(dto.tipster);
    const extraction = extract(dto.narrative, { defaultPhoneRegion: this.config.defaultPhoneRegion, exclude: tipster.own });
    const id = newId();
    const sealed = tipster.identity ? this.vault.seal(id, tipster.identity) : null;
    for (let attempt = 0; attempt < 5; attempt++) {
      const reference = newTipReference();
      const receivedAt = new Date();
      const receipt = toTipReceipt({ reference, status: 'matching', receivedAt });
      try {
        // One statement: the tip, its queue row, its audit record and the stored response (no BEGIN, no COMMIT).
        await this.audit.transaction(
          untraced(ctx),
          { action: 'tip.submit', resourceType: 'tip', resourceId: id },
          async (tx, change) => {
            // What the trail keeps of a new tip: never the tipster's identity, nor the narrative (it is the tip's content).
            change.set({
              before: null,
              after: {
                reference,
                channel: dto.channel,
                externalId: dto.externalId ?? null,
                anonymous: tipster.anonymous,
                tipsterPseudonym: tipster.pseudonym,
                narrativeLength: dto.narrative.length,
                extracted: extraction.selectors.length,
                phrases: extraction.phrases.length,
              },
            });
            change.respond(receipt);
            await this.tips.insert(tx, {
              id,
              reference,
              integrationId,
              externalId: dto.externalId ?? null,
              channel: dto.channel,
              narrative: dto.narrative,
              language: dto.language ?? null,
              occurredAt: dto.occurredAt ?? null,
              rewardInterest: dto.rewardInterest ?? false,
              anonymous: tipster.anonymous,
              tipsterIdentity: sealed?.ciphertext ?? null,
              tipsterKeyId: sealed?.keyId ?? null,
              tipsterEmailHmac: tipster.emailHmac,
              tipsterPhoneHmac: tipster.phoneHmac,
              tipsterPseudonym: tipster.pseudonym,
              extracted: extraction.selectors,
              phrases: extraction.phrases,
              receivedAt,
            });
            return receipt;
          },
          { singleStatement: true },
        );
        this.matching.wake();
        return receipt;
      } catch (e) {
        // The integration sent this externalId before: a retry. Answer with the first tip (the unique index decided).
        if (e instanceof ExternalIdSeenError && dto.externalId !== undefined) return this.replay(ctx, integrationId, dto.externalId);
        // Otherwise the reference drawn was taken (31^8 of them): draw again.
        if (!(e instanceof ReferenceTakenError)) throw e;
      }
    }
    throw new ReferenceExhaustedError();
  }

  /** The first tip's receipt for a retried externalId, audited as a replay. */
  private async replay(ctx: RequestContext, integrationId: string, externalId: string): Promise<TipReceiptDto> {
    return this.audit.transaction(untraced(ctx), { action: 'tip.submit', resourceType: 'tip' }, async (tx, change) => {
      const seen = await this.tips.findByExternalId(tx, integrationId, externalId);
      if (!seen) throw new ReferenceExhaustedError();
      change.set({ resourceId: seen.id, details: { replayed: true, why: 'the integration sent this externalId before' } });
      return toTipReceipt(seen);
    });
  }

  /** The status of a tip, for the integration that submitted it only (404 for any other). */
  async status(ctx: RequestContext, reference: string): Promise<TipReceiptDto> {
    const found = TIP_REFERENCE.test(reference) ? await this.tips.receiptFor(ctx.principal!.id, reference) : undefined;
    if (!found) {
      await this.audit.record(untraced(ctx), {
        action: 'tip.status.read',
        outcome: 'denied',
        resourceType: 'tip',
        details: { reason: 'not found or not submitted by this integration' },
      });
      throw new TipNotFoundError(`with reference ${reference.slice(0, 20)} submitted by this integration`);
    }
    await this.audit.record(untraced(ctx), { action: 'tip.status.read', resourceType: 'tip', resourceId: found.id });
    return toTipReceipt(found);
  }
}

/** The intake routes keep no network trace of the caller (see NO_CLIENT_TRACE); this holds even when called directly. */
function untraced(ctx: RequestContext): RequestContext {
  return { ...ctx, ip: '', userAgent: undefined };
}
