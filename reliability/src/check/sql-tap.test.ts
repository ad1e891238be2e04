import { describe, expect, it } from 'vitest';
import { SqlTap } from './sql-tap.js';

// Keep-alive: each request line follows the previous body directly.
const request = (url: string, body: string) =>
  `POST ${url} HTTP/1.1\r\nHost: ch\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('the SQL tap', () => {
  it('tells a bound parameter from a value spliced into the SQL text', () => {
    const tap = new SqlTap();
    tap.onChunk(
      'up',
      Buffer.from(request('/?query_id=1&param_itemId=xinj7%27%20OR%201', 'SELECT 1 WHERE item_id = {itemId:String}'))
    );
    tap.onChunk('up', Buffer.from(request('/?query_id=2', "SELECT 1 WHERE item_id = 'xinj7' OR 1")));
    tap.onChunk('up', Buffer.from(request('/?query=SELECT%20%27xinj7%27', '')));
    tap.onChunk('down', Buffer.from('HTTP/1.1 200 OK\r\n\r\nxinj7'));
    expect(tap.occurrences('xinj7')).toEqual({ bound: 1, spliced: 2 });
    expect(tap.requests()).toBe(3);
  });
});
