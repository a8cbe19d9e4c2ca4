import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'casefile:public';

/** Opts a route out of authentication (health, login). Every other route must declare @Authenticated. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
