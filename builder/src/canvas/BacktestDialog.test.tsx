// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { post } from '../api.ts';
import { serveForComponents } from '../testing/serve.ts';
import type { BacktestResult } from '../types.ts';
import { BacktestDialog } from './BacktestDialog.tsx';

const graph = {
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'done' }],
};

// The real server in a child process: the dialog's requests go to it as they would from the browser.
let server: { stop: () => void };
beforeAll(async () => {
  server = await serveForComponents();
  await post('/api/batch', { batch: ['a', 'b', 'c'].map((customerId, i) => ({ kind: 'track', customerId, type: 'signup', occurredAt: `2024-02-1${i}T10:00:00Z` })) });
  await post('/api/journeys', { name: 'Signup', graph });
}, 60_000);
afterAll(() => server.stop());
afterEach(cleanup);

function dialog(onResult: (r: BacktestResult) => void = () => {}) {
  render(<BacktestDialog journeyId="signup" graph={graph} onClose={() => {}} onResult={onResult} pollMs={50} />);
  fireEvent.change(screen.getByLabelText('From'), { target: { value: '2024-02-01' } });
  fireEvent.change(screen.getByLabelText('To'), { target: { value: '2024-02-29' } });
}

describe('BacktestDialog', () => {
  it('starts a backtest job, shows it running, then its result, and hands the result to the canvas', async () => {
    let shown: BacktestResult | null = null;
    dialog((r) => (shown = r));
    fireEvent.click(screen.getByRole('button', { name: 'Run backtest' }));
    await screen.findByTestId('backtest-progress');
    expect(screen.getByRole('button', { name: 'Running…' })).toHaveProperty('disabled', true);
    const result = await screen.findByTestId('backtest-result', {}, { timeout: 30_000 });
    expect(result.textContent).toContain('3would enter');
    fireEvent.click(screen.getByRole('button', { name: 'Show on canvas' }));
    expect(shown!.nodes.trigger!.entered).toBe(3);
  }, 40_000);

  it('cancels a running backtest on the server', async () => {
    dialog();
    fireEvent.click(screen.getByRole('button', { name: 'Run backtest' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel backtest' }));
    await screen.findByText('Backtest cancelled.');
    expect(screen.queryByTestId('backtest-result')).toBeNull();
    expect(screen.getByRole('button', { name: 'Run backtest' })).toHaveProperty('disabled', false);
  });
});
