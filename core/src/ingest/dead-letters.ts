/** The dead-letter stream: entries the processor gave up on, kept beside the stream with why. */

/** The stream beside `stream` that holds entries the processor gave up on, with why. */
export function deadLetterStream(stream: string): string {
  return `${stream}:dead`;
}

/** Fields a dead-letter entry starts with: the original entry id and the error. The original entry's own fields follow, as they were. */
export const DeadLetterFields = { ID: 'id', ERROR: 'error' } as const;
