import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface MainProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stdout matches (rejects if the process exits first). */
  waitFor: (pattern: RegExp) => Promise<void>;
  stop: () => Promise<number | null>;
}

/**
 * Runs src/main.ts as the service runs (its own process, environment and exit code), through ts-node with
 * swc (CommonJS, `./x.js` imports resolved to `./x.ts` as tsc does). Only the variables given here reach it, so the test runner's DATABASE_URL and secrets do not.
 */
export function runMain(env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['-r', join(__dirname, 'resolve-ts-for-js.js'), '-r', 'ts-node/register', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TS_NODE_SWC: 'true',
      TS_NODE_TRANSPILE_ONLY: 'true',
      // CommonJS all through, so the dynamic imports of src/metadata.ts become require() (resolve-ts-for-js.js).
      TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', moduleResolution: 'bundler' }),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      SCHEDULER_ENABLED: 'false',
      BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-admin-password-for-tests',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const w of [...watchers]) {
      if (!w.pattern.test(out)) continue;
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(out)) return resolve();
        watchers.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`the process exited (${code}) before printing ${pattern}:\n${out}\n${err}`)));
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
