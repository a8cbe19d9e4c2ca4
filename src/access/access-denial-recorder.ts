import type { RequestContext } from './request-context';

/**
 * Records a need-to-know denial exactly once. Implemented by the audit trail (which sits above this kernel)
 * and provided under ACCESS_DENIAL_RECORDER, so `access/` imports nothing from the layers above it.
 */
export interface AccessDenialRecorder {
  recordDenial(ctx: RequestContext, event: { action: string; resourceType?: string; resourceId?: string; caseId?: string; details?: Record<string, unknown> }, error: Error): Promise<void>;
}

export const ACCESS_DENIAL_RECORDER = Symbol('AccessDenialRecorder');
