import { runStandalone } from './standalone';
import { TipsterReencryption } from './tips/tipster-reencryption.service';

/**
 * `npm run tips:reencrypt`: after a rotation of FIELD_ENCRYPTION_KEY (`<new key>,<old key>`), seals every
 * tipster identity still under an older key with the current one. Run it with the same environment as the
 * service (it may run beside it); afterwards the old key may be dropped once nothing else needs it.
 */
runStandalone('tips:reencrypt', { MIGRATIONS_RUN: false }, async (app, secrets) => {
  const { resealed, skipped } = await app.get(TipsterReencryption).run();
  process.stdout.write(
    `tips:reencrypt: ${resealed} tipster identit${resealed === 1 ? 'y' : 'ies'} sealed again under key ${secrets.fieldEncryptionKeyId}${skipped ? `; ${skipped} changed meanwhile (run again)` : ''}\n`,
  );
});
