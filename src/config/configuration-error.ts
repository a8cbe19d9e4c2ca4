/**
 * A configuration Casefile must not start with. main.ts prints the summary, one line per problem and the
 * hint, then exits with code 78 (EX_CONFIG). Problems name variables, never their values.
 */
export class ConfigurationError extends Error {
  constructor(
    readonly summary: string,
    readonly problems: string[],
    readonly hint?: string,
  ) {
    super(`${summary}: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
  }

  /** The message for the console: what is wrong, each problem on its line, then how to fix it. */
  report(): string {
    return `Casefile cannot start: ${this.summary}.\n${this.problems.map((p) => `  - ${p}`).join('\n')}\n${this.hint ? `${this.hint}\n` : ''}`;
  }
}

/** The exit code of a refused configuration (sysexits.h EX_CONFIG). */
export const EX_CONFIG = 78;
