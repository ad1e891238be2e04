/** What a {@link ConfigError} says about one environment variable. */
export interface ConfigProblem {
  /** The environment variable to fix, e.g. `QUERY_PORT`. */
  variable: string;
  /** Its value as set; undefined when it may hold a secret (a URL with a password), so it is never repeated. */
  value?: string;
  /** What the value is not, e.g. `is not a port`. */
  problem: string;
  /** What to set instead, e.g. `a whole number from 0 to 65535`. */
  expected: string;
}

/**
 * A setting that cannot be used. Thrown while a service reads its environment at boot (never later);
 * `runService` prints {@link ConfigError.line} and exits 1, without a stack trace.
 */
export class ConfigError extends Error implements ConfigProblem {
  /** Stable machine code, as undici's `UND_ERR_*`. */
  readonly code = 'XRAY_CONFIG_INVALID';
  readonly variable: string;
  readonly value: string | undefined;
  readonly problem: string;
  readonly expected: string;

  constructor(p: ConfigProblem, options?: ErrorOptions) {
    const got = p.value === undefined ? '' : `, got ${JSON.stringify(p.value)}`;
    super(`${p.variable}: expected ${p.expected}${got}`, options);
    this.name = 'ConfigError';
    this.variable = p.variable;
    this.value = p.value;
    this.problem = p.problem;
    this.expected = p.expected;
  }

  /** One sentence for the person starting the service: `QUERY_PORT=abc is not a port: expected a whole number from 0 to 65535`. */
  get line(): string {
    const value =
      this.value === undefined ? '' : `=${/^[^\s"=]+$/.test(this.value) ? this.value : JSON.stringify(this.value)}`;
    return `${this.variable}${value} ${this.problem}: expected ${this.expected}`;
  }
}
