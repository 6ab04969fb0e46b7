/**
 * The load clients of the `/api/track` bench, in their own process so they do not share
 * the server's event loop: `node --import tsx track-client.ts <url> <key> <requests> <clients>`.
 * Prints one JSON line: when the first request went out (epoch ms), seconds until the last
 * answer, and the request latency p50/p99 in ms.
 */
import { performance } from 'node:perf_hooks';
import { quantile } from './measure.ts';

const [url, key, requestsArg, clientsArg] = process.argv.slice(2);
const requests = Number(requestsArg);
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const latencies = new Float64Array(requests);
let next = 0;
const startedAt = Date.now();
const start = performance.now();
await Promise.all(
  Array.from({ length: Number(clientsArg) }, async () => {
    for (let i = next++; i < requests; i = next++) {
      const t = performance.now();
      const res = await fetch(`${url}/api/track`, { method: 'POST', headers, body: JSON.stringify({ customerId: `c${i}`, type: 'signup' }) });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`/api/track: ${res.status}`);
      latencies[i] = performance.now() - t;
    }
  }),
);
const seconds = (performance.now() - start) / 1000;
latencies.sort();
console.log(JSON.stringify({ startedAt, seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }));
