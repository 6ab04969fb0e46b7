// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { post, setCsrfToken } from '../api.ts';
import type { BacktestResult } from '../types.ts';
import { BacktestDialog } from './BacktestDialog.tsx';

const graph = {
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'done' }],
};
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

// The real server (`foresight serve` on a temporary SQLite file) in a child process:
// the dialog's requests go to it as they would from the browser.
let child: ChildProcess;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'foresight-dialog-'));
  const bin = path.resolve(import.meta.dirname, '../../../bin/foresight.js');
  child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', path.join(dir, 'd.db')], { env: { ...process.env, FORESIGHT_ADMIN_EMAIL: ADMIN.email, FORESIGHT_ADMIN_PASSWORD: ADMIN.password } });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /foresight listening on .*?; open (http:\/\/\S+?)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`server exited:\n${out}`)));
  });
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(base);
  const { csrfToken } = await post<{ csrfToken: string }>('/api/auth/login', ADMIN);
  setCsrfToken(csrfToken);
  await post('/api/batch', { batch: ['a', 'b', 'c'].map((customerId, i) => ({ kind: 'track', customerId, type: 'signup', occurredAt: `2024-02-1${i}T10:00:00Z` })) });
  await post('/api/journeys', { name: 'Signup', graph });
}, 60_000);
afterAll(() => {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});
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
