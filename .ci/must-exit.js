#!/usr/bin/env node
/**
 * Runs a test command (as given, through the shell) and fails when it does not end by itself:
 *  - jest says a handle stayed open ("Jest did not exit one second after the test run has completed",
 *    "A worker process has failed to exit gracefully", "open handle(s) potentially keeping Jest from exiting"):
 *    fail, after a short grace to let the rest of the output through, and stop the command;
 *  - or the command runs longer than MUST_EXIT_TIMEOUT_SECONDS (default 900): fail and stop it.
 * Otherwise exits with the command's own status. Usage: node .ci/must-exit.js npm test
 */
'use strict';
const { spawn } = require('node:child_process');

const LEAK = /Jest did not exit one second after the test run has completed|failed to exit gracefully|open handles? potentially keeping Jest from exiting/;
const timeoutSeconds = Number(process.env.MUST_EXIT_TIMEOUT_SECONDS ?? 900);
const command = process.argv.slice(2).join(' ');
if (!command) {
  process.stderr.write('usage: node .ci/must-exit.js <command…>\n');
  process.exit(2);
}

const child = spawn(command, { shell: true, stdio: ['inherit', 'pipe', 'pipe'], detached: true });
let verdict;
let tail = '';
const stop = (why, delayMs) => {
  if (verdict) return;
  verdict = why;
  setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL'); // the command's whole process group (npm, jest, its workers)
    } catch {
      /* already gone */
    }
  }, delayMs).unref();
};
const watch = (stream, out) =>
  stream.on('data', (chunk) => {
    out.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4000);
    if (LEAK.test(tail)) stop('jest reported a handle left open: the test run does not exit by itself', 5000);
  });
watch(child.stdout, process.stdout);
watch(child.stderr, process.stderr);
const timer = setTimeout(() => stop(`still running after ${timeoutSeconds} s`, 0), timeoutSeconds * 1000);
timer.unref();

child.on('exit', (code, signal) => {
  clearTimeout(timer);
  if (verdict) {
    process.stderr.write(`\nFAIL (${command}): ${verdict}\n`);
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
