import type { BenchContext, Row } from './run';

export interface Scenario {
  name: string;
  run: (ctx: BenchContext) => Promise<Row[]>;
}

const liveness: Scenario = {
  name: 'GET /health/live',
  run: async (ctx) => [
    {
      scenario: 'GET /health/live (10 conns)',
      casefile: await ctx.load({ url: `${ctx.casefile.base}/health/live` }),
      baseline: await ctx.load({ url: `${ctx.baseline.base}/live` }),
    },
  ],
};

const readiness: Scenario = {
  name: 'GET /health/ready',
  run: async (ctx) => [
    {
      scenario: 'GET /health/ready (10 conns, 1 query)',
      casefile: await ctx.load({ url: `${ctx.casefile.base}/health/ready` }),
      baseline: await ctx.load({ url: `${ctx.baseline.base}/ready` }),
    },
  ],
};

export const scenarios: Scenario[] = [liveness, readiness];
