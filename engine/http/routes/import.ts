import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ForesightError } from '../../core/errors.ts';
import { IMPORT_KINDS, importCsv, type ImportKind } from '../../ingest/import.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

/** Caps a stream at `limit` bytes, failing with a 413 past it. */
function capped(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) return done(new ForesightError('payload_too_large', `body: the CSV is larger than ${limit} bytes; split it or import it with the CLI`, { field: 'body' }));
      done(null, chunk);
    },
  });
}

/**
 * CSV upload, the API twin of `foresight import`: the body (text/csv) streams
 * to a temp file, then through the same streaming importer, so neither side
 * holds the file in memory.
 */
export function importRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({
    method: 'post',
    path: '/api/import/:kind',
    tag: 'tracking',
    summary: 'Import a CSV (Content-Type: text/csv) of customers, orders or events; reports every rejected row',
    access: 'builder',
    handler: async ({ params, req }) => {
      const kind = params.kind as ImportKind;
      if (!IMPORT_KINDS.includes(kind)) throw new ForesightError('not_found', `kind: "${params.kind}" is not importable; use ${IMPORT_KINDS.join(', ')}`, { field: 'kind' });
      if (!req.is('text/csv') && !req.is('text/plain')) throw new ForesightError('unsupported_media_type', 'content-type: send the CSV as the body with "Content-Type: text/csv"', { field: 'content-type' });
      const dir = await mkdtemp(path.join(ctx.tmpDir, 'foresight-upload-'));
      try {
        const file = path.join(dir, 'upload.csv');
        await pipeline(req, capped(ctx.limits.uploadBytes), createWriteStream(file));
        const summary = await importCsv(ctx.storage, ctx.clock, kind, file, { label: 'upload' });
        ctx.metrics.ingested.inc({ kind: `import_${kind}`, outcome: 'accepted' }, summary.imported);
        return summary;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  });
}
