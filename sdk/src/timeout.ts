/**
 * Races `work` against `millis`: false (and `onTimeout` called) if it has not settled by then, false
 * if it rejects. The timer is ref'd so that an awaited flush can finish before the process exits.
 */
export async function withinMillis(work: Promise<boolean>, millis: number, onTimeout: () => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve(false);
    }, millis);
  });
  try {
    return await Promise.race([work.catch(() => false), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
