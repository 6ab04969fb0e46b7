import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../engine/cli/main.ts';
import { validateJourney } from '../engine/graph/validate.ts';
import { renderEmail } from '../engine/messaging/render.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { createHarness } from '../engine/testing/harness.ts';
import { prePublishChecklist } from '../engine/publish/checklist.ts';
import { getTemplate, importTemplate, listTemplates, TEMPLATE_IDS, templateCoupons } from './index.ts';

const BRAND = { shopName: 'Acme Coffee', shopUrl: 'https://acme.test', senderName: 'Acme', senderAddress: 'hi@acme.test', logoUrl: 'https://acme.test/logo.png', footerAddress: '1 Roast Lane, Portland OR 97201', currency: 'EUR' };

const bin = path.resolve(import.meta.dirname, '../bin/foresight.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

interface Doc {
  id: string;
  nodes: { id: string; type: string; config: Record<string, unknown> }[];
}

describe('lifecycle templates', () => {
  it('lists the nine lifecycle programmes, each with a description, an audience and a KPI', () => {
    const all = listTemplates();
    expect(all.map((t) => t.id)).toEqual([...TEMPLATE_IDS]);
    for (const t of all) {
      expect((t.journey as Doc).id).toBe(t.id);
      expect(t.name.length).toBeGreaterThan(3);
      for (const text of [t.description, t.audience, t.kpi]) expect(text.length).toBeGreaterThan(20);
    }
    expect(getTemplate('nope')).toBeUndefined();
    // Callers get copies: editing one does not change the catalogue.
    (getTemplate('welcome-series')!.journey as Doc).id = 'changed';
    expect((getTemplate('welcome-series')!.journey as Doc).id).toBe('welcome-series');
  });

  it('all nine pass `foresight journey validate`', async () => {
    // One real process proves the installed command; the rest run the same command in-process (a process each costs seconds).
    const spawned = await cli(['journey', 'validate', path.resolve(import.meta.dirname, 'welcome-series', 'journey.json')]);
    expect(spawned.stdout.trim(), spawned.stdout + spawned.stderr).toBe('valid');
    expect(spawned.code).toBe(0);
    for (const id of TEMPLATE_IDS) {
      const lines: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
      try {
        expect(await main(['node', 'foresight', 'journey', 'validate', path.resolve(import.meta.dirname, id, 'journey.json')])).toBe(0);
      } finally {
        log.mockRestore();
        process.exitCode = undefined;
      }
      expect(lines.join('\n'), id).toBe('valid');
    }
  });

  it('have no branch their goal always pre-empts: every path can be taken', () => {
    const registry = builtinRegistry();
    for (const t of listTemplates()) expect(validateJourney(t.journey, registry).warnings, t.id).toEqual([]);
  });

  it('every email renders with a subject, an HTML and a text body, an unsubscribe link, the brand and the recommended products', () => {
    const product = { itemId: 'coffee-beans', name: 'House Coffee Beans', url: 'https://acme.test/p/coffee-beans', imageUrl: 'https://acme.test/img/beans.jpg', price: 12.5, category: 'coffee' };
    for (const t of listTemplates()) {
      const emails = (t.journey as Doc).nodes.filter((n) => n.type === 'action.email');
      expect(emails.length, t.id).toBeGreaterThan(0);
      for (const n of emails) {
        const config = n.config as { subject: string; html: string; text: string };
        const context = { customer: { first_name: 'Mina', id: 'c1' }, brand: BRAND, recommendedProducts: [product], links: { unsubscribe: 'https://t.example/u/abc' } };
        const out = renderEmail(config, context);
        const where = `${t.id}/${n.id}`;
        expect(out.subject, where).not.toMatch(/{{|}}/);
        expect(out.html).toContain('Hi Mina');
        expect(out.text).toContain('Hi Mina');
        expect(out.html).toContain('https://t.example/u/abc');
        expect(out.text).toContain('https://t.example/u/abc');
        expect(out.html, where).toContain('Acme Coffee · 1 Roast Lane, Portland OR 97201');
        expect(out.html, where).toContain('<img src="https://acme.test/logo.png"');
        // Every link leads to the shop the brand names (or the unsubscribe page); none to a placeholder.
        const links = [...out.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
        expect(links.filter((l) => !l.startsWith('https://acme.test') && l !== 'https://t.example/u/abc'), where).toEqual([]);
        if (config.html.includes('recommendedProducts')) {
          expect(out.html, where).toContain('<a href="https://acme.test/p/coffee-beans"');
          expect(out.html, where).toContain('<img src="https://acme.test/img/beans.jpg" alt="House Coffee Beans"');
          expect(out.html, where).toContain('€12.50');
          expect(out.text, where).toContain('- House Coffee Beans: https://acme.test/p/coffee-beans');
          // Nothing to recommend: the block is left out, not shown empty.
          const none = renderEmail(config, { ...context, recommendedProducts: [] });
          expect(none.html, where).not.toContain('<td align="center" valign="top"');
        }
      }
    }
  });

  it('with the brand and mail set, every template passes the pre-publish checklist as imported (coupons only asked about)', () => {
    const coupons = templateCoupons();
    expect(coupons).toEqual(expect.arrayContaining(['HELLO10', 'WELCOMEBACK25']));
    for (const t of listTemplates()) {
      const graph = validateJourney(t.journey, builtinRegistry()).graph!;
      // The logo is optional: templates show it only when set.
      const items = prePublishChecklist(graph, { mailMissing: [], brand: { ...BRAND, logoUrl: undefined }, audience: [], templateCoupons: coupons });
      // The one hand edit left: the NPS template's helpdesk webhook, whose address only the shop knows.
      const expected = t.id === 'nps-follow-up' ? ['node "ticket": url is https://support.example.com/api/tickets, a placeholder address that reaches nothing: put in your real URL'] : [];
      expect(items.filter((i) => i.severity === 'block').map((i) => i.message), t.id).toEqual(expected);
      // Without the brand the same template is refused, naming the node and where to set it.
      const bare = prePublishChecklist(graph, { mailMissing: [], brand: {}, audience: [], templateCoupons: coupons });
      expect(bare.find((i) => i.code === 'missing_brand')?.message, t.id).toMatch(/^node "[^"]+": \w+ shows \{\{brand\.\w+\}\}, but the brand has no .*: set it in Settings → Brand$/);
    }
  });
});

describe('importTemplate', () => {
  it('saves the draft journey and the segments it needs, keeping a shop’s own segment of the same name', async () => {
    const h = createHarness();
    try {
      await h.storage.segments.save({ name: 'lapsed-customers', definition: { orders: 'daysSinceLast', op: 'gt', value: 200 } }, 0);
      const vip = await importTemplate(h, 'vip-appreciation');
      expect(vip).toMatchObject({ id: 'vip-appreciation', status: 'draft', name: 'VIP appreciation' });
      expect((await h.storage.segments.get('high-value-customers'))!.definition).toEqual({ valueTier: ['high'] });
      await importTemplate(h, 'win-back', 'win-back-copy');
      expect((await h.storage.journeys.get('win-back-copy'))!.status).toBe('draft');
      expect((await h.storage.segments.get('lapsed-customers'))!.definition).toEqual({ orders: 'daysSinceLast', op: 'gt', value: 200 });
      // The imported draft publishes as it is.
      expect(await h.journeys.publish('vip-appreciation')).toEqual({ version: 1 });
      await expect(importTemplate(h, 'nope')).rejects.toThrow(/template "nope" does not exist; use one of: welcome-series/);
    } finally {
      await h.close();
    }
  });
});
