// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { get, post, put } from '../api.ts';
import { startRealServer } from '../testing/real-server.ts';
import { MigrateDialog, moveText } from './MigrateDialog.tsx';

const graph = (waitId: string) => ({
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
    { id: waitId, type: 'wait.delay', config: { duration: '3d' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceHandle: 'next', target: waitId },
    { id: 'e2', source: waitId, sourceHandle: 'next', target: 'done' },
  ],
});

let server: Awaited<ReturnType<typeof startRealServer>>;
beforeAll(async () => {
  server = await startRealServer();
  await post('/api/journeys', { name: 'Signup', graph: graph('wait-old') });
  await post('/api/journeys/signup/publish');
  await post('/api/batch', { batch: ['a', 'b'].map((customerId) => ({ kind: 'track', customerId, type: 'signup' })) });
  // The server's own loop enrols them.
  for (;;) {
    const s = await get<{ nodes: Record<string, { waiting: number }> }>('/api/journeys/signup/stats');
    if (s.nodes['wait-old']?.waiting === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // The new wait is named "exit": a node id like any other, not the choice to end the run.
  await put('/api/journeys/signup/draft', { graph: { ...graph('exit'), name: 'Signup' } });
  await post('/api/journeys/signup/publish');
}, 60_000);
afterAll(() => server.stop());
afterEach(cleanup);

describe('MigrateDialog', () => {
  it('shows the dry-run counts, asks where the removed node goes, and moves the customers', async () => {
    let done = '';
    render(<MigrateDialog journeyId="signup" onClose={() => {}} onDone={(t) => (done = t)} />);
    expect((await screen.findByTestId('runs-wait-old')).textContent).toBe('2');
    // Nothing moves unasked: the removed node starts on "stay".
    expect(screen.getByRole('button', { name: 'Move 0 customers' })).toHaveProperty('disabled', true);
    const target = screen.getByLabelText('Target for wait-old');
    expect([...target.querySelectorAll('option')].map((o) => [o.value, o.textContent])).toEqual([
      ['$stay', 'Stay on v1'],
      ['$exit', 'Exit the journey'],
      ['trigger', 'trigger'],
      ['exit', 'exit'],
      ['done', 'done'],
    ]);
    fireEvent.change(target, { target: { value: 'exit' } });
    await screen.findByText('move to "exit" in v2, same due time');
    fireEvent.click(screen.getByRole('button', { name: 'Move 2 customers' }));
    await waitFor(() => expect(done).toBe('Moved 2 customers to v2, 0 left the journey, 0 stayed on v1.'));
    const stats = await get<{ nodes: Record<string, { waiting: number }> }>('/api/journeys/signup/stats');
    expect(stats.nodes.exit?.waiting).toBe(2);
  }, 30_000);

  it('closes itself when nobody waits in the previous version', async () => {
    let closed = false;
    render(<MigrateDialog journeyId="signup" onClose={() => (closed = true)} onDone={() => {}} />);
    await waitFor(() => expect(closed).toBe(true));
  });

  it('says what each move does', () => {
    expect(moveText({ from: 'a', to: '$exit', runs: 1, replan: false }, 2)).toBe('leave the journey');
    expect(moveText({ from: 'a', to: '$stay', runs: 1, replan: false }, 2)).toBe('stay on the old version');
    expect(moveText({ from: 'a', to: 'exit', runs: 1, replan: false }, 2)).toBe('move to "exit" in v2, same due time');
    expect(moveText({ from: 'a', to: 'b', runs: 1, replan: true }, 3)).toBe('move to "b" in v3, wait planned again (the node changed)');
  });
});
