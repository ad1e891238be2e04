/** Where the receiver reports state changes (not per-request events); `console` fits. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything: the default, so tests and embedders stay quiet. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
