import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateJourney } from '../engine/graph/validate.ts';
import { renderEmail } from '../engine/messaging/render.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { getTemplate, listTemplates, TEMPLATE_IDS } from './index.ts';

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
    const results = await Promise.all(TEMPLATE_IDS.map((id) => cli(['journey', 'validate', path.resolve(import.meta.dirname, id, 'journey.json')])));
    results.forEach((r, i) => {
      expect(r.stdout.trim(), `${TEMPLATE_IDS[i]}: ${r.stdout}${r.stderr}`).toBe('valid');
      expect(r.code).toBe(0);
    });
    expect(listTemplates().every((t) => validateJourney(t.journey, builtinRegistry()).ok)).toBe(true);
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
