import { Logger } from '@nestjs/common';

/**
 * Runs one turn of a scheduled job: skipped when the scheduler is off (SCHEDULER_ENABLED=false), and a
 * failure is logged by name and class, never thrown into the scheduler. Jobs that must run on one replica
 * take an advisory lock inside (`Locks.tryLock`).
 */
export async function runScheduledJob(logger: Logger, enabled: boolean, name: string, job: () => Promise<unknown>): Promise<void> {
  if (!enabled) return;
  try {
    await job();
  } catch (e) {
    logger.error(`${name} failed: ${e instanceof Error ? e.name : 'error'}`);
  }
}
