// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { RunStep } from '../types.ts';
import { TraceSteps } from './TraceSteps.tsx';

afterEach(cleanup);

const at = (d: number) => `2024-03-${String(d).padStart(2, '0')}T10:00:00.000Z`;

describe('TraceSteps', () => {
  it('reads as a person would: local times, rounded scores, one line for a month of re-plans', () => {
    const history: RunStep[] = [
      { nodeId: 'high-propensity', kind: 'port', port: 'high', at: at(1), detail: { score: 0.83456789, threshold: 0.7 } },
      ...Array.from({ length: 12 }, (_, i): RunStep => ({ nodeId: 'cycle', kind: 'wait', at: at(2 + i), detail: { replanned: true, wakeAt: at(20 + i) } })),
    ];
    render(<TraceSteps history={history} zone="Asia/Tokyo" />);
    const items = screen.getByRole('list', { name: 'Trace steps' }).querySelectorAll(':scope > li');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('1 Mar 2024, 19:00 GMT+9');
    expect(items[0]!.textContent).toContain('0.835');
    expect(items[0]!.textContent).not.toContain('0.83456789');
    expect(items[1]!.textContent).toContain('replanned 12× between 2 Mar 2024, 19:00 GMT+9 and 13 Mar 2024, 19:00 GMT+9');
    // The latest wake-up, not the raw ISO string.
    expect(items[1]!.textContent).toContain('31 Mar 2024, 19:00 GMT+9');
    expect(items[1]!.textContent).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});
