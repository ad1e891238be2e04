/** A spinner on stderr while the query API thinks. */

/** Starts a spinner on `err` once an answer takes over 300 ms; returns the function that clears it. */
export function spinner(err: (text: string) => void): () => void {
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let i = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const delay = setTimeout(() => {
    ticker = setInterval(() => err(`\r${frames[i++ % frames.length]} asking the query API…`), 100);
  }, 300);
  return () => {
    clearTimeout(delay);
    if (ticker) {
      clearInterval(ticker);
      err('\r\u001b[K');
    }
  };
}
