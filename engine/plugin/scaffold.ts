/**
 * The files of a new plugin package (`foresight plugin new <name>`): a node, its
 * effect, a test that passes at once, a tsconfig and a README. Pure: returns paths and texts.
 */

/** `sms` or `foresight-node-sms` → the node-type namespace `sms`; `web-push` → `webPush`. */
export function pluginNamespace(name: string): string {
  return name.replace(/^foresight-node-/, '').replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function scaffoldPlugin(name: string): Record<string, string> {
  if (!NAME.test(name)) throw new TypeError(`plugin new: "${name}" is not a usable name; use lower-case words joined by hyphens, e.g. "sms" or "foresight-node-sms"`);
  const ns = pluginNamespace(name);
  const type = `${ns}.message`;
  const pkg = name.startsWith('foresight-node-') ? name : `foresight-node-${name}`;
  return {
    'package.json': `${JSON.stringify(
      {
        name: pkg,
        version: '0.1.0',
        description: `A Foresight node plugin: ${type}`,
        type: 'module',
        exports: './index.ts',
        scripts: { test: 'vitest run', typecheck: 'tsc --noEmit', check: `foresight plugin check ./index.ts` },
        peerDependencies: { foresight: '*' },
        devDependencies: { vitest: '*', typescript: '*', '@types/node': '*' },
      },
      null,
      2,
    )}\n`,
    'index.ts': `import { defineNode, definePlugin, type EffectHandler } from 'foresight/plugin';

interface Config {
  url: string;
  text: string;
}

/** Renders the message and queues it; the engine delivers it once through the effect below. */
export const message = defineNode<Config>({
  type: '${type}',
  version: 1,
  label: 'Send a message',
  category: 'action',
  description: 'Posts a personalised message to an HTTP endpoint.',
  fields: [
    { key: 'url', label: 'Endpoint URL', kind: 'text', required: true, pattern: '^https?://\\\\S+$' },
    { key: 'text', label: 'Message', kind: 'template', required: true, help: 'Handlebars: customer.* (profile attributes), customer.id.' },
  ],
  ports: ['next'],
  run(ctx) {
    // The engine checks the template when the journey is validated and renders it with its helpers.
    const text = ctx.services.render(ctx.config.text, { customer: { ...ctx.customer.attributes, id: ctx.customer.externalId } });
    const key = ctx.services.enqueue('${ns}', { url: ctx.config.url, text });
    return { next: 'next', trace: { queued: key } };
  },
});

/** Delivers once: 2xx is sent, 429 and 5xx are retried by the engine with back-off, anything else fails with the answer. */
export const deliver: EffectHandler = async (item, ctx) => {
  const { url, text } = item.payload as { url: string; text: string };
  try {
    const res = await ctx.http.request(url, { body: { text }, retries: 0 });
    if (res.ok) return { status: 'sent', detail: { status: res.status } };
    const reason = \`\${url} answered \${res.status}\`;
    return res.status === 429 || res.status >= 500 ? { status: 'retry', reason } : { status: 'failed', reason };
  } catch (err) {
    return { status: 'retry', reason: (err as Error).message };
  }
};

export default definePlugin({ name: '${pkg}', nodes: [message], effects: { ${JSON.stringify(ns)}: deliver } });
`,
    'index.test.ts': `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, createHttpService, registryWith } from 'foresight/testing';
import plugin from './index.ts';

// A real local endpoint standing in for the outside service.
const received: unknown[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push(JSON.parse(body));
    res.writeHead(200).end('ok');
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/hook\`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('${type}', () => {
  it('delivers the personalised message once when a journey reaches it', async () => {
    // The endpoint is on 127.0.0.1, which ctx.http refuses unless allowed.
    const h = createHarness({ registry: registryWith(plugin), providers: { http: createHttpService({ allowPrivate: true }) } });
    try {
      await h.journeys.deploy({
        id: 'hello',
        name: 'Hello',
        nodes: [
          { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'send', type: '${type}', config: { url, text: 'Hi {{customer.first_name}}' } },
          { id: 'done', type: 'flow.exit', config: {} },
        ],
        edges: [
          { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'send' },
          { id: 'e2', source: 'send', sourceHandle: 'next', target: 'done' },
        ],
      });
      await h.identify([{ customerId: 'c1', attributes: { first_name: 'Mina' } }]);
      await h.track([{ customerId: 'c1', type: 'signup' }]);
      await h.engine.runUntilIdle();
      await h.engine.runUntilIdle();
      expect(received).toEqual([{ text: 'Hi Mina' }]);
    } finally {
      await h.close();
    }
  });
});
`,
    // Type-checks against foresight's published declarations (package.json exports), never its sources.
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          allowImportingTsExtensions: true,
          verbatimModuleSyntax: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['*.ts'],
      },
      null,
      2,
    )}\n`,
    'README.md': `# ${pkg}

A [Foresight](https://github.com/) node plugin: **${type}** posts a personalised message to an HTTP endpoint.

- \`index.ts\`: the node (fields, ports, \`run\`) and the \`${ns}\` effect that delivers what it queues, once.
- \`index.test.ts\`: a journey on the Foresight test harness (real SQLite, virtual clock) against a local endpoint.

Import only \`foresight/plugin\` (in the plugin) and \`foresight/testing\` (in tests).

\`\`\`sh
npm test                                  # runs index.test.ts
npm run typecheck                         # tsc against foresight's declarations
npx foresight plugin check ./index.ts     # checks the plugin against the contract
FORESIGHT_PLUGINS=${pkg} npx foresight serve
\`\`\`

Rules: time comes from \`ctx.now\`; outside HTTP goes through \`ctx.services.http\` / \`ctx.http\` (timeout, retries,
private addresses refused); check \`ctx.mode\` before calling live APIs in \`simulate\` or \`backtest\`; raise \`version\`
and ship \`migrate(config, fromVersion)\` when a field changes.
`,
  };
}
