import { parentPort, workerData } from 'node:worker_threads';
import { builtinRegistry } from '../../nodes/index.ts';
import { errorMessage } from '../core/errors.ts';
import { replay } from '../simulate/simulate.ts';
import type { BacktestInput } from './backtest.ts';

/** What the API thread hands a backtest worker (structured-cloned). */
export interface BacktestJobData extends BacktestInput {
  journey: unknown;
  from: Date;
  to: Date;
  /** Plugin specifiers loaded in the API's registry: the worker needs the same node types. */
  plugins: string[];
  /** Set to 1 by the API thread to cancel: the replay never yields to receive a message, so it polls this. */
  cancel: Int32Array;
}

export type BacktestMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: string; code?: string; field?: string }
  | { type: 'cancelled' };

class Cancelled extends Error {}

const data = workerData as BacktestJobData;
const send = (m: BacktestMessage) => parentPort!.postMessage(m);

// Nothing is sent in a backtest: built-in nodes without mail settings, plus the plugins.
const registry = builtinRegistry();
let lastReported = -1;
try {
  for (const p of data.plugins) await registry.load(p);
  const { result } = await replay({
    ...data,
    registry,
    onProgress: (done, total) => {
      if (Atomics.load(data.cancel, 0) === 1) throw new Cancelled();
      // About a hundred messages per run at most: progress is for a person watching.
      const percent = Math.floor((done / Math.max(1, total)) * 100);
      if (percent !== lastReported) {
        lastReported = percent;
        send({ type: 'progress', done, total });
      }
    },
  });
  send({ type: 'done', result });
} catch (err) {
  if (err instanceof Cancelled) send({ type: 'cancelled' });
  else {
    const e = err as { code?: unknown; field?: unknown };
    send({ type: 'failed', error: errorMessage(err), code: typeof e.code === 'string' ? e.code : undefined, field: typeof e.field === 'string' ? e.field : undefined });
  }
}
