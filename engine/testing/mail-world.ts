import { builtinRegistry, type BuiltinOptions } from '../../nodes/index.ts';
import { startTestSmtp, type TestSmtp } from '../messaging/test-smtp.ts';
import { createHarness, type Harness } from './harness.ts';

export const TEST_SECRET = 'a-test-secret-that-is-long-enough-0123456789';

/**
 * A harness whose built-in nodes mail a real SMTP sink on 127.0.0.1. `extend` registers more
 * nodes or effects before the engine starts. Close both with `close()`.
 */
export async function mailWorld(opts: { start: string; mail?: Partial<BuiltinOptions>; extend?: (registry: ReturnType<typeof builtinRegistry>) => void }): Promise<{ h: Harness; smtp: TestSmtp; close: () => Promise<void> }> {
  const smtp = await startTestSmtp();
  const registry = builtinRegistry({ smtpUrl: smtp.url, mailFrom: 'Shop <shop@shop.example>', publicUrl: 'http://127.0.0.1:1', secret: TEST_SECRET, ...opts.mail });
  opts.extend?.(registry);
  const h = createHarness({ start: opts.start, registry });
  return {
    h,
    smtp,
    close: async () => {
      await h.close();
      await smtp.close();
    },
  };
}

/** trigger on `event` → action.email (subject = id) → exit. */
export function mailJourney(id: string, event: string, settings: Record<string, unknown> = {}) {
  return { id, name: id, ...mailGraph(event, { subject: id, html: `<p>${id}</p>` }, { settings }) };
}

/**
 * The graph alone (for the journeys API, which names it): trigger on `event` → action.email with
 * `email` as its config → exit, the email node's id `mailNode` ("m" unless given).
 */
export function mailGraph(event: string, email: Record<string, unknown>, opts: { settings?: Record<string, unknown>; mailNode?: string } = {}) {
  const m = opts.mailNode ?? 'm';
  return {
    settings: opts.settings ?? {},
    nodes: [
      { id: 't', type: 'trigger.event', config: { event } },
      { id: m, type: 'action.email', config: email },
      { id: 'x', type: 'flow.exit', config: { reason: 'sent' } },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: m },
      { id: 'e2', source: m, sourceHandle: 'next', target: 'x' },
    ],
  };
}
