import { describe, expect, it } from 'vitest';
import type { RunStep } from '../types.ts';
import { fmtNumber, fmtTime, fmtValue, groupSteps } from './steps.ts';

const day = (d: number) => `2024-03-${String(d).padStart(2, '0')}T10:00:00.000Z`;
const replan = (d: number): RunStep => ({ nodeId: 'cycle', kind: 'wait', at: day(d), detail: { replanned: true, wakeAt: day(d + 20) } });

describe('groupSteps', () => {
  it('folds consecutive re-plans of one wait into one item with the count and the span', () => {
    const history: RunStep[] = [
      { nodeId: 'trigger', kind: 'port', port: 'next', at: day(1) },
      { nodeId: 'cycle', kind: 'wait', at: day(1), detail: { wakeAt: day(20) } },
      ...Array.from({ length: 12 }, (_, i) => replan(2 + i)),
      { nodeId: 'cycle', kind: 'port', port: 'due', at: day(25) },
    ];
    const items = groupSteps(history);
    expect(items.map((i) => i.kind)).toEqual(['step', 'step', 'replanned', 'step']);
    expect(items[2]).toMatchObject({ kind: 'replanned', nodeId: 'cycle', count: 12, from: day(2), to: day(13), last: replan(13) });
  });

  it('leaves a single re-plan, and steps of other nodes between re-plans, as they are', () => {
    const items = groupSteps([replan(2), { nodeId: 'other', kind: 'port', port: 'yes', at: day(3) }, replan(4)]);
    expect(items.map((i) => i.kind)).toEqual(['step', 'step', 'step']);
  });
});

describe('trace values', () => {
  it('shows times in the customer\'s zone, whatever the machine\'s', () => {
    expect(fmtTime('2024-03-05T09:30:00Z', 'America/New_York')).toBe('5 Mar 2024, 04:30 GMT-5');
    expect(fmtTime('2024-03-05T09:30:00Z', 'Asia/Tokyo')).toBe('5 Mar 2024, 18:30 GMT+9');
    expect(fmtTime('2024-03-05T09:30:00Z', 'UTC')).toBe('5 Mar 2024, 09:30 UTC');
  });

  it('rounds floats and groups thousands', () => {
    expect(fmtNumber(0.7341234567)).toBe('0.734');
    expect(fmtNumber(12.345678)).toBe('12.3');
    expect(fmtNumber(1234.5678)).toBe('1,234.57');
    expect(fmtNumber(3)).toBe('3');
    expect(fmtNumber(0.000123456)).toBe('0.000123');
  });

  it('formats the values inside a decision detail the same way', () => {
    expect(fmtValue({ score: 0.8765432, wakeAt: '2024-03-05T09:30:00.000Z', labels: ['a', 'b'] }, 'UTC')).toBe('score: 0.877, wakeAt: 5 Mar 2024, 09:30 UTC, labels: a, b');
    expect(fmtValue('plain text', 'UTC')).toBe('plain text');
  });
});
