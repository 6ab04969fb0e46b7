import pg from 'pg';
import { errorMessage } from '../../core/errors.ts';

export const WORK_CHANNEL = 'foresight_work';

/**
 * One dedicated connection LISTENing for work notifications (see migration 0001). Opened on the
 * first subscriber; when it drops it reconnects with backoff and logs, and wakes subscribers
 * once on reconnect, since notifications sent while it was away are lost.
 */
export function workListener(url: string, log: (message: string) => void) {
  const subscribers = new Set<() => void>();
  let client: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | null = null;
  const wakeAll = () => subscribers.forEach((fn) => fn());

  const connect = async (): Promise<void> => {
    if (closed || client) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = null;
      c.removeAllListeners();
      c.end().catch(() => undefined);
      if (closed) return;
      const delay = Math.min(5_000, 100 * 2 ** attempt++);
      log(`postgres: work listener lost its connection${err ? ` (${errorMessage(err)})` : ''}; reconnecting in ${delay} ms`);
      retry = setTimeout(() => void connect(), delay);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', wakeAll);
    try {
      await c.connect();
      await c.query(`LISTEN ${WORK_CHANNEL}`);
      if (attempt > 0) wakeAll();
      attempt = 0;
    } catch (err) {
      lost(err as Error);
    }
  };

  return {
    subscribe(fn: () => void): () => void {
      subscribers.add(fn);
      void connect();
      return () => subscribers.delete(fn);
    },
    async close(): Promise<void> {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}
