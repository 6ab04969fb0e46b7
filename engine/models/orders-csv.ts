import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { ForesightError } from '../core/errors.ts';
import { parseIsoDate } from './time.ts';
import type { Order } from './types.ts';

/**
 * Reads the order-import CSV: `customer_id,order_id,ordered_at,amount[,quantity][,items]`
 * (header required, column order free; `items` is a `|`-separated list of product ids).
 * Malformed rows are not fatal: each is returned in `rejected` with its line number, the
 * offending column and why, so an import can proceed with the rest and say what it skipped.
 */

export interface RejectedRow {
  /** 1-based line number in the file. */
  line: number;
  field: string;
  reason: string;
}

export interface OrdersCsv {
  orders: Order[];
  rejected: RejectedRow[];
}

const REQUIRED = ['customer_id', 'order_id', 'ordered_at', 'amount'] as const;

/**
 * Streams an orders CSV into orders plus a list of rejected rows.
 * @example
 * const { orders, rejected } = await readOrdersCsv('examples/data/cdnow/orders_sample.csv');
 * // orders.length === 6919, rejected.length === 0
 */
export async function readOrdersCsv(path: string): Promise<OrdersCsv> {
  try {
    await access(path);
  } catch {
    throw new ForesightError('file_not_found', `${path}: no such file; check the path`, { field: 'path' });
  }
  const parser = createReadStream(path).pipe(
    parse({ info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, skip_records_with_error: true }),
  );
  const orders: Order[] = [];
  const rejected: RejectedRow[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    rejected.push({ line: err.lines ?? 0, field: 'row', reason: err.message });
  });

  let columns: Map<string, number> | null = null;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (columns === null) {
      columns = headerColumns(record);
      continue;
    }
    const parsed = parseRow(record, columns);
    if ('reason' in parsed) rejected.push({ line: info.lines, ...parsed });
    else orders.push(parsed);
  }
  if (columns === null) throw new ForesightError('empty_csv', `${path}: the file is empty; expected a header ${REQUIRED.join(',')}`, { field: 'path' });
  rejected.sort((a, b) => a.line - b.line);
  return { orders, rejected };
}

function headerColumns(header: string[]): Map<string, number> {
  const columns = new Map(header.map((name, i) => [name.toLowerCase(), i] as const));
  const missing = REQUIRED.filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new ForesightError('missing_column', `orders CSV header lacks ${missing.join(', ')}; expected ${REQUIRED.join(',')}[,quantity][,items]`, {
      field: missing[0]!,
    });
  }
  return columns;
}

function parseRow(record: string[], columns: Map<string, number>): Order | { field: string; reason: string } {
  const cell = (name: string): string => {
    const at = columns.get(name);
    return at === undefined ? '' : (record[at] ?? '');
  };
  const customerId = cell('customer_id');
  if (customerId === '') return { field: 'customer_id', reason: 'missing customer id' };
  const orderId = cell('order_id');
  if (orderId === '') return { field: 'order_id', reason: 'missing order id' };
  const orderedAt = parseIsoDate(cell('ordered_at'));
  if (!orderedAt) return { field: 'ordered_at', reason: `"${cell('ordered_at')}" is not a date (YYYY-MM-DD)` };
  const amountText = cell('amount');
  const amount = Number(amountText);
  if (amountText === '' || !Number.isFinite(amount)) return { field: 'amount', reason: `"${amountText}" is not a number` };
  if (amount < 0) return { field: 'amount', reason: `${amount} is negative; book refunds against the original order` };
  const order: Order = { customerId, orderId, orderedAt, amount };
  const quantityText = cell('quantity');
  if (quantityText !== '') {
    const quantity = Number(quantityText);
    if (!Number.isFinite(quantity)) return { field: 'quantity', reason: `"${quantityText}" is not a number` };
    order.quantity = quantity;
  }
  const items = cell('items');
  if (items !== '') order.items = items.split('|').map((s) => s.trim()).filter((s) => s !== '');
  return order;
}
