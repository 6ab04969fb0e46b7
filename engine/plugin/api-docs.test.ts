import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, OUT } from '../../scripts/plugin-api-docs.ts';

describe('docs/plugin-api.md', () => {
  it('is what the TSDoc of foresight/plugin and foresight/testing generates (regenerate: npx tsx scripts/plugin-api-docs.ts)', () => {
    expect(readFileSync(OUT, 'utf8')).toBe(generate());
  });

  it('documents every exported member of the entry points', () => {
    const text = generate();
    const undocumented = text.split('\n### ').slice(1).filter((section) => /^`[^`]+`\n\n(```|- )/.test(section)).map((s) => s.slice(0, s.indexOf('\n')));
    expect(undocumented).toEqual([]);
  });
});
