import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../engine/cli/main.ts';
import { validateJourney } from '../engine/graph/validate.ts';
import { renderEmail } from '../engine/messaging/render.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { createHarness } from '../engine/testing/harness.ts';
import { getTemplate, importTemplate, listTemplates, TEMPLATE_IDS } from './index.ts';

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

  it('every email renders with a subject, an HTML and a text body, and an unsubscribe link', () => {
    for (const t of listTemplates()) {
      const emails = (t.journey as Doc).nodes.filter((n) => n.type === 'action.email');
      expect(emails.length, t.id).toBeGreaterThan(0);
      for (const n of emails) {
        const out = renderEmail(n.config as { subject: string; html: string; text: string }, {
          customer: { first_name: 'Mina', id: 'c1' },
          recommendations: [{ itemId: 'coffee-beans' }],
          links: { unsubscribe: 'https://t.example/u/abc' },
        });
        expect(out.subject, `${t.id}/${n.id}`).not.toMatch(/{{|}}/);
        expect(out.html).toContain('Hi Mina');
        expect(out.text).toContain('Hi Mina');
        expect(out.html).toContain('https://t.example/u/abc');
        expect(out.text).toContain('https://t.example/u/abc');
      }
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
