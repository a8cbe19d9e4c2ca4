import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, EmbeddedDatabase } from './embedded-postgres';

describe('EmbeddedDatabase', () => {
  it('refuses a data directory held by another live process, with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-lock-'));
    writeFileSync(join(dir, 'casefile.lock'), String(process.ppid));
    const db = new EmbeddedDatabase({ dir, password: 'x' });
    await expect(db.start()).rejects.toThrow(DataDirInUseError);
    await expect(db.start()).rejects.toThrow(/in use by another Casefile process \(pid \d+\)/);
  });
});
