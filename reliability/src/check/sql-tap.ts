import type { TapDirection } from '../proxy.js';

// Found anywhere: a request line may follow the previous request's body on the same line.
const REQUEST_LINE_RE = /(?:GET|POST) (\/\S*) HTTP\/1\.[01]\r\n/g;
const PARAM_PREFIX = 'param_';

/**
 * Watches the HTTP traffic from a service to ClickHouse (through a fault proxy's tap) and tells
 * whether a marker string ever reached ClickHouse anywhere but in a bound parameter (`param_*` in
 * the URL): in the SQL text (request body or `query=`), it would mean a value was spliced into SQL.
 */
export class SqlTap {
  #text = '';

  /** The proxy's tap: keeps what the client sends. */
  readonly onChunk = (direction: TapDirection, chunk: Buffer): void => {
    if (direction === 'up') this.#text += chunk.toString('latin1');
  };

  /** Requests seen so far. */
  requests(): number {
    return [...this.#text.matchAll(REQUEST_LINE_RE)].length;
  }

  /** Where `marker` occurs: as a bound parameter value, or anywhere else (spliced into SQL). */
  occurrences(marker: string): { bound: number; spliced: number } {
    let bound = 0;
    let spliced = 0;
    const rest = this.#text.replace(REQUEST_LINE_RE, (_line, url: string) => {
      for (const [name, value] of new URL(url, 'http://clickhouse').searchParams) {
        if (name.startsWith(PARAM_PREFIX)) bound += count(value, marker);
        else spliced += count(value, marker);
      }
      return '\r\n';
    });
    return { bound, spliced: spliced + count(rest, marker) };
  }
}

function count(text: string, marker: string): number {
  let n = 0;
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) n++;
  return n;
}
