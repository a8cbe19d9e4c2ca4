import { Global, Module } from '@nestjs/common';
import { AccessRepository } from './access.repository';
import { AccessService } from './access.service';

/**
 * The access kernel every feature imports: permissions, Principal and RequestContext, @Authenticated and
 * @Public (plain files), and need-to-know (AccessService). The denial recorder is provided by the audit
 * module, which sits above it.
 */
@Global()
@Module({
  providers: [AccessRepository, AccessService],
  exports: [AccessService],
})
export class AccessModule {}
