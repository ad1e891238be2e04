#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// Load generator, in its own process: POSTs one body over keep-alive connections for a while.
// argv: url bodyFile contentType contentEncoding|- concurrency seconds [authorization]. Prints JSON counts.
const [url, file, contentType, encoding, concurrency, seconds, authorization] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string | undefined,
];
const body = readFileSync(file);
const headers: Record<string, string> = { 'content-type': contentType };
if (encoding !== '-') headers['content-encoding'] = encoding;
if (authorization) headers.authorization = authorization;
const deadline = Date.now() + Number(seconds) * 1000;
let ok = 0;
let failed = 0;
const statuses: Record<string, number> = {};
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (Date.now() < deadline) {
      const res = await fetch(url, { method: 'POST', body, headers }).catch(() => undefined);
      if (res) await res.arrayBuffer();
      const status = String(res?.status ?? 'error');
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (res?.status === 200) ok++;
      else failed++;
    }
  })
);
process.stdout.write(`${JSON.stringify({ ok, failed, statuses })}\n`);
