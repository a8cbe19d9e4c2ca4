import { Injectable } from '@nestjs/common';
import { Database, Tx } from './database';

/**
 * Advisory locks for services and jobs (which never touch the database otherwise): the one way to make
 * a step run on one replica at a time. Transaction-level: released at COMMIT or ROLLBACK.
 */
@Injectable()
export class Locks {
  constructor(private readonly database: Database) {}

  /** Takes the lock if free; false when another replica holds it (a job then skips its turn). */
  tryLock(tx: Tx, name: string): Promise<boolean> {
    return this.database.tryLock(tx, name);
  }

  /** Waits for the lock (replicas starting together take turns). */
  lock(tx: Tx, name: string): Promise<void> {
    return this.database.lock(tx, name);
  }
}
