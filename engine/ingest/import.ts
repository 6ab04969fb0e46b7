import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { Storage } from '../storage/types.ts';
import { checkCsvStructure, customersCsv, eventsCsv, ordersCsv, readCsv, type CsvFormat, type RowError } from './csv.ts';
import { timeProblem, identifyCustomers, recordOrders, trackEvents, type IngestResult } from './ingest.ts';
import type { ProfileOutcome } from './profile-changes.ts';
import type { identifySchema, orderSchema, trackSchema } from './schemas.ts';

export type ImportKind = 'customers' | 'orders' | 'events';
export const IMPORT_KINDS: readonly ImportKind[] = ['customers', 'orders', 'events'];

export interface ImportSummary {
  kind: ImportKind;
  /** Data rows read (header excluded). */
  rows: number;
  /** Rows stored: customers created or updated, new events, new orders. */
  imported: number;
  /** Rows already stored by an earlier import (same order id or event, a profile with these very values): left as they were. */
  duplicates: number;
  /** Customers only: of the rows imported, how many made a new profile and how many changed one. */
  profiles?: { created: number; updated: number };
  rejected: RowError[];
}

const BATCH = 2000;

/**
 * An event row without an idempotency key gets one derived from its content,
 * so importing the same file twice stores each event once.
 */
function eventKey(e: z.output<typeof trackSchema>): string {
  return `csv:${createHash('sha256').update(JSON.stringify([e.customerId, e.type, e.occurredAt?.getTime(), e.properties])).digest('base64url')}`;
}

const writers = {
  customers: { format: customersCsv, write: (s: Storage, c: Clock, rows: z.output<typeof identifySchema>[]) => identifyCustomers(s, c, rows) },
  orders: { format: ordersCsv, write: (s: Storage, c: Clock, rows: z.output<typeof orderSchema>[]) => recordOrders(s, c, rows), time: { column: 'ordered_at', of: (v: z.output<typeof orderSchema>) => v.orderedAt } },
  events: { format: eventsCsv, write: (s: Storage, c: Clock, rows: z.output<typeof trackSchema>[]) => trackEvents(s, c, rows.map((e) => ({ ...e, idempotencyKey: e.idempotencyKey ?? eventKey(e) }))), time: { column: 'occurred_at', of: (v: z.output<typeof trackSchema>) => v.occurredAt } },
} as const;

/** A row whose time cannot be history (in the future, or before 1973), as a rejection naming its column. */
function implausibleTime(time: { column: string; of: (v: never) => Date | undefined } | undefined, value: unknown, now: Date): { field: string; reason: string } | null {
  const problem = time ? timeProblem(time.of(value as never), now) : null;
  return problem ? { field: time!.column, reason: problem } : null;
}

/**
 * Streams a CSV file into storage in batches (the file is never held in
 * memory). Bad rows are reported with line, column and reason; the rest are
 * imported. A file whose CSV structure is broken (an unclosed quote) is
 * refused whole, before any row is written, with an `invalid_csv` error
 * naming line and column. `onProgress` gets the last line read after each batch.
 */
export async function importCsv(storage: Storage, clock: Clock, kind: ImportKind, file: string, opts: { onProgress?: (line: number) => void; label?: string } = {}): Promise<ImportSummary> {
  const { format, write, time } = writers[kind] as { format: CsvFormat<z.ZodType>; write: (s: Storage, c: Clock, rows: unknown[]) => Promise<IngestResult & { profiles?: Record<ProfileOutcome, number> }>; time?: { column: string; of: (v: never) => Date | undefined } };
  // A first read without writing: rows before a broken spot must not be half-imported.
  await checkCsvStructure(file, opts.label);
  const summary: ImportSummary = { kind, rows: 0, imported: 0, duplicates: 0, rejected: [], ...(kind === 'customers' ? { profiles: { created: 0, updated: 0 } } : {}) };
  const label = opts.label ?? file;
  let batch: unknown[] = [];
  let lines: number[] = [];
  let line = 0;
  const flush = async () => {
    if (!batch.length) return;
    const r = await write(storage, clock, batch);
    if (r.profiles && summary.profiles) {
      summary.profiles.created += r.profiles.created;
      summary.profiles.updated += r.profiles.updated;
      summary.imported += r.profiles.created + r.profiles.updated;
      summary.duplicates += r.profiles.unchanged;
    } else {
      summary.imported += r.accepted;
      summary.duplicates += r.duplicates;
    }
    // Rows the store refused (an order id taken by another customer), by their line.
    for (const x of r.rejected) summary.rejected.push({ file: label, line: lines[x.index]!, field: format.columns[x.field] ?? x.field, reason: x.message.replace(`${x.field}: `, '') });
    batch = [];
    lines = [];
    opts.onProgress?.(line);
  };
  for await (const r of readCsv(file, format, opts.label)) {
    const future = r.ok ? implausibleTime(time, r.value, clock.now()) : null;
    if (r.ok && future) {
      summary.rows++;
      summary.rejected.push({ file: label, line: r.line, ...future });
    } else if (r.ok) {
      summary.rows++;
      line = r.line;
      batch.push(r.value);
      lines.push(r.line);
      if (batch.length >= BATCH) await flush();
    } else {
      summary.rows++;
      summary.rejected.push(opts.label ? { ...r.error, file: opts.label } : r.error);
    }
  }
  await flush();
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}
