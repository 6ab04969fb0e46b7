import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { z } from 'zod';
import { ForesightError, errorMessage } from '../core/errors.ts';
import { identifySchema, orderSchema, trackSchema } from './schemas.ts';

/** A row that could not be used: reported as `<file>:<line>: <field>: <reason>` and skipped. */
export interface RowError {
  file: string;
  line: number;
  field: string;
  reason: string;
}

export function formatRowError(e: RowError): string {
  return `${e.file}:${e.line}: ${e.field}: ${e.reason}`;
}

export type RowResult<T> = { ok: true; line: number; value: T } | { ok: false; error: RowError };

/** Thrown by a row mapper for a cell it cannot read (e.g. malformed JSON): names the CSV column. */
export class CellError extends Error {
  constructor(readonly column: string, message: string) {
    super(message);
  }
}

export interface CsvFormat<S extends z.ZodType> {
  /** Columns that must be in the header; a file without them is rejected as a whole. */
  required: string[];
  /** Columns that may be in the header. */
  optional: string[];
  /** What other header columns are: attributes (kept by `toInput`), or mistakes that reject the file. */
  otherColumns: 'attributes' | 'reject';
  schema: S;
  /** CSV row → schema input. */
  toInput(row: Record<string, string>): unknown;
  /** Schema path head (e.g. "orderedAt") → CSV column, so errors name what the user wrote. */
  columns: Record<string, string>;
}

/** What csv-parse says about a record; `error` is set when the record's length differs from the header's. */
interface RecordInfo {
  lines: number;
  columns: unknown[];
  error?: { code?: string; record?: unknown[] };
}

/** `onHeader` sees the header (trimmed, lower case) and may throw to refuse the file. */
function csvRecords(file: string, onHeader: (header: string[]) => string[] = (h) => h): AsyncIterable<{ record: Record<string, string>; info: RecordInfo }> {
  return createReadStream(file).pipe(
    parse({ columns: (h: string[]) => onHeader(h.map((c) => c.trim().toLowerCase())), skip_empty_lines: true, trim: true, info: true, relax_column_count: true, bom: true }),
  );
}

const QUOTE_REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value opened in this record is never closed; close the quote or double any quote inside the value ("")',
  CSV_INVALID_CLOSING_QUOTE: 'text follows the closing quote of this value; quote the whole value and double any quote inside it ("")',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted value; quote the whole value and double the quote inside it ("")',
};

/**
 * A file the CSV parser cannot read on (an unclosed quote swallows the rest of
 * the file): names the line and column where the broken record starts.
 */
function structureError(file: string, err: unknown, lastGoodLine: number, consequence = ''): ForesightError {
  const e = err as { code?: string; lines?: number; column?: string | number; index?: number; message?: string };
  // csv-parse names its errors CSV_*, except the stray opening quote.
  if (typeof e?.code !== 'string' || !(e.code.startsWith('CSV_') || e.code === 'INVALID_OPENING_QUOTE')) return new ForesightError('file_unreadable', `${file}: ${errorMessage(err)}`, { field: 'csv', cause: err });
  // An unclosed quote is only noticed at the end of the file; the record it broke starts after the last good one.
  const line = e.code === 'CSV_QUOTE_NOT_CLOSED' ? lastGoodLine + 1 : (e.lines ?? lastGoodLine + 1);
  const column = typeof e.column === 'string' ? e.column : `column ${(e.index ?? 0) + 1}`;
  const what = QUOTE_REASONS[e.code] ?? e.message ?? e.code;
  return new ForesightError('invalid_csv', `${file}:${line}: ${column}: ${what}${consequence}`, { field: column, details: { file, line, column, code: e.code }, cause: err });
}

/**
 * Reads the whole file as CSV without using it, so an import can refuse a
 * structurally broken file before writing a single row. Throws `invalid_csv`.
 */
export async function checkCsvStructure(file: string, label = file): Promise<void> {
  let line = 1;
  try {
    for await (const rec of csvRecords(file)) line = rec.info.lines;
  } catch (err) {
    throw structureError(label, err, line, '; the file was refused whole: no row of it was imported');
  }
}

/**
 * Streams a CSV file (header row first) and yields each row validated by the
 * format's zod schema, with its line number. Bad rows are yielded as errors,
 * never thrown, so one bad line does not stop an import; a wrong header or a
 * broken file structure throws (`invalid_input`, `invalid_csv`), since no row
 * of the file can be read right. `label` names the file in errors (default its path).
 */
export async function* readCsv<S extends z.ZodType>(file: string, format: CsvFormat<S>, label = file): AsyncGenerator<RowResult<z.output<S>>> {
  let headerSeen = false;
  const records = csvRecords(file, (h) => {
    headerSeen = true;
    return checkHeader(label, format, h);
  })[Symbol.asyncIterator]();
  try {
    yield* validatedRows(file, label, format, records);
  } finally {
    await records.return?.();
  }
  if (!headerSeen) checkHeader(label, format, null);
}

async function* validatedRows<S extends z.ZodType>(
  file: string,
  label: string,
  format: CsvFormat<S>,
  records: AsyncIterator<{ record: Record<string, string>; info: RecordInfo }>,
): AsyncGenerator<RowResult<z.output<S>>> {
  let lastLine = 1;
  for (;;) {
    let next: IteratorResult<{ record: Record<string, string>; info: RecordInfo }>;
    try {
      next = await records.next();
    } catch (err) {
      // The header check's own error comes through csv-parse as it was thrown.
      throw err instanceof ForesightError ? err : structureError(label, err, lastLine);
    }
    if (next.done) return;
    lastLine = next.value.info.lines;
    const extra = extraValues(next.value.info);
    yield extra ? { ok: false, error: { file, line: lastLine, field: 'row', reason: extra } } : rowResult(file, format, next.value.record, lastLine);
  }
}

/**
 * A row with more values than the header has columns would lose the extra ones (most often an
 * unquoted comma), so it is refused. Fewer values are fine: the missing trailing cells are empty.
 */
function extraValues(info: RecordInfo): string | null {
  const values = info.error?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ? (info.error.record?.length ?? 0) : 0;
  if (values <= info.columns.length) return null;
  return `${values} values but the header has ${info.columns.length} columns; quote a value that contains a comma, e.g. "Smith, Jane"`;
}

/**
 * A wrong header rejects the whole file, naming the file and the column: a
 * missing required column, or (where extra columns are not attributes) a
 * column the format does not know, which is most often a misspelling.
 */
function checkHeader(label: string, format: CsvFormat<z.ZodType>, header: string[] | null): string[] {
  const columns = [...format.required, ...format.optional].join(',');
  if (!header) throw new ForesightError('invalid_input', `${label}: the file is empty; the first line must be the header: ${columns}`, { field: 'header' });
  const missing = format.required.find((c) => !header.includes(c));
  if (missing) throw new ForesightError('invalid_input', `${label}: column "${missing}" is missing from the header; the header must include ${format.required.join(',')}`, { field: missing });
  const known = new Set(columns.split(','));
  const unknown = format.otherColumns === 'reject' ? header.find((c) => !known.has(c)) : undefined;
  if (unknown !== undefined) throw new ForesightError('invalid_input', `${label}: unknown column "${unknown}" in the header; the columns are ${columns}`, { field: unknown });
  return header;
}

function rowResult<S extends z.ZodType>(file: string, format: CsvFormat<S>, record: Record<string, string>, line: number): RowResult<z.output<S>> {
  let input: unknown;
  try {
    input = format.toInput(record);
  } catch (err) {
    const column = err instanceof CellError ? err.column : 'row';
    return { ok: false, error: { file, line, field: column, reason: err instanceof Error ? err.message : String(err) } };
  }
  const r = format.schema.safeParse(input);
  if (r.success) return { ok: true, line, value: r.data };
  const issue = r.error.issues[0]!;
  const head = String(issue.path[0] ?? '');
  const column = format.columns[head] ?? (issue.path.join('.') || 'row');
  return { ok: false, error: { file, line, field: column, reason: issue.message } };
}

/** Reads a whole file into items and errors (for callers that must sort rows anyway). */
export async function collectCsv<S extends z.ZodType>(file: string, format: CsvFormat<S>): Promise<{ items: { line: number; value: z.output<S> }[]; errors: RowError[] }> {
  const items: { line: number; value: z.output<S> }[] = [];
  const errors: RowError[] = [];
  for await (const r of readCsv(file, format)) {
    if (r.ok) items.push({ line: r.line, value: r.value });
    else errors.push(r.error);
  }
  return { items, errors };
}

const blank = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** Numbers stay NaN when unreadable so the schema reports them with its own message. */
const num = (v: string | undefined): number | undefined => (blank(v) === undefined ? undefined : Number(v));

/** Epoch milliseconds arrive as digit strings; everything else is handed to the time schema as text. */
const time = (v: string | undefined): string | number | undefined => {
  const s = blank(v);
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : s;
};

/** orders: customer_id,order_id,ordered_at,amount[,quantity] */
export const ordersCsv: CsvFormat<typeof orderSchema> = {
  required: ['customer_id', 'order_id', 'ordered_at', 'amount'],
  optional: ['quantity'],
  otherColumns: 'reject',
  schema: orderSchema,
  columns: { customerId: 'customer_id', orderId: 'order_id', orderedAt: 'ordered_at', amount: 'amount', quantity: 'quantity' },
  toInput: (r) => ({ customerId: r.customer_id, orderId: r.order_id, orderedAt: time(r.ordered_at), amount: num(r.amount), quantity: num(r.quantity) }),
};

const CUSTOMER_BASE = new Set(['customer_id', 'email', 'timezone']);

/** customers: customer_id,email,timezone, and every other column becomes a (text) attribute. Empty cells are left out. */
export const customersCsv: CsvFormat<typeof identifySchema> = {
  required: ['customer_id'],
  optional: ['email', 'timezone'],
  otherColumns: 'attributes',
  schema: identifySchema,
  columns: { customerId: 'customer_id', email: 'email', timezone: 'timezone' },
  toInput: (r) => {
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) if (!CUSTOMER_BASE.has(k) && v !== '') attributes[k] = v;
    return { customerId: r.customer_id, email: blank(r.email), timezone: blank(r.timezone), attributes };
  },
};

/** events: customer_id,type,occurred_at[,idempotency_key][,properties (JSON object)] */
export const eventsCsv: CsvFormat<typeof trackSchema> = {
  required: ['customer_id', 'type', 'occurred_at'],
  optional: ['idempotency_key', 'properties'],
  otherColumns: 'reject',
  schema: trackSchema,
  columns: { customerId: 'customer_id', type: 'type', occurredAt: 'occurred_at', idempotencyKey: 'idempotency_key', properties: 'properties' },
  toInput: (r) => {
    let properties: unknown = {};
    const raw = blank(r.properties);
    if (raw !== undefined) {
      try {
        properties = JSON.parse(raw);
      } catch {
        throw new CellError('properties', 'not valid JSON; write a JSON object, e.g. {"amount": 12}');
      }
      if (!properties || typeof properties !== 'object' || Array.isArray(properties)) throw new CellError('properties', 'must be a JSON object, e.g. {"amount": 12}');
    }
    // occurred_at is required here (unlike the API, where it defaults to "now"): a replay needs a time.
    const occurredAt = time(r.occurred_at);
    if (occurredAt === undefined) throw new CellError('occurred_at', 'give the time the event happened (ISO 8601 or epoch ms)');
    return { customerId: r.customer_id, type: r.type, occurredAt, idempotencyKey: blank(r.idempotency_key), properties };
  },
};
