// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { DeliveryLog } from './DeliveryLog.tsx';

// A real server (real SQLite, real engine, a real SMTP sink refusing every third recipient: c01,
// c04, c07, …) in a child process.
let child: ChildProcess;
let journeyId: string;
const domFetch = globalThis.fetch;
beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', path.resolve('builder/src/stats/DeliveryLog.server.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  const started = JSON.parse(line) as { base: string; auth: Record<string, string>; journeyId: string };
  journeyId = started.journeyId;
  // The page is served from that server, so the component's relative API paths reach it; an admin key stands in for a session.
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(`${started.base}/`);
  vi.stubGlobal('fetch', (url: string, init: RequestInit = {}) => domFetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...started.auth } }));
}, 60_000);
afterEach(cleanup);
afterAll(async () => {
  vi.unstubAllGlobals();
  child.stdin!.end();
  await new Promise((r) => child.once('exit', r));
});

describe('DeliveryLog', () => {
  it('shows each send with its address, and a failed one with its error, newest first, 25 a page', async () => {
    render(<DeliveryLog path={`/api/journeys/${journeyId}/deliveries`} searchable title={(id) => (id === 'm' ? 'Day 1: welcome' : id)} />);
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(25));
    const failed = screen.getAllByRole('listitem').filter((li) => li.getAttribute('data-status') === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.textContent).toMatch(/c\d\d@example\.com/);
    expect(failed[0]!.textContent).toContain('Day 1: welcome');
    expect(failed[0]!.textContent).toContain('mailbox unavailable');
    expect(screen.getByText('1–25 of 30')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(5));
  });

  it('finds one customer by address or id, and filters by outcome', async () => {
    render(<DeliveryLog path={`/api/journeys/${journeyId}/deliveries`} searchable />);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search deliveries' }), { target: { value: 'C07@EXAMPLE' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringContaining('c07@example.com')]));
    fireEvent.change(screen.getByRole('combobox', { name: 'Outcome' }), { target: { value: 'sent' } });
    await waitFor(() => expect(screen.getByText('No deliveries match.')).toBeTruthy());
  });
});
