// @vitest-environment happy-dom
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApiError, put } from '../api.ts';
import { SessionGate } from './SessionGate.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const user = { email: 'ana@shop.example', role: 'editor' };

/** The server as the browser sees it: one session, which ends when `expire()` is called. */
function fakeServer() {
  let token: string | null = 'csrf-1';
  const saved: { csrf: string | null; body: unknown }[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = vi.fn(async (path: string, init: RequestInit) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    if (path === '/api/auth/login') {
      token = 'csrf-2';
      return json(200, { user, csrfToken: token });
    }
    if (!token) return json(401, { error: { code: 'unauthorized', message: 'sign in' } });
    if (path === '/api/auth/me') return json(200, { user, csrfToken: token });
    saved.push({ csrf: headers['x-csrf-token'] ?? null, body: JSON.parse(String(init.body)) });
    return json(200, { ok: true });
  });
  return { fetch, saved, expire: () => (token = null) };
}

/** A page with work in progress that only lives in component state, like the journey editor's canvas. */
function Draft() {
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const save = () => put('/api/journeys/j/draft', { text }).then(() => setStatus('saved'), (e: ApiError) => setStatus(`not saved (${e.status})`));
  return (
    <div>
      <label>
        Subject <input value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button onClick={save}>Save</button>
      <output>{status}</output>
    </div>
  );
}

describe('SessionGate', () => {
  it('keeps unsaved work when the session ends, and signs in again over it', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetch);
    render(<SessionGate>{() => <Draft />}</SessionGate>);
    const subject = (await screen.findByLabelText('Subject')) as HTMLInputElement;
    fireEvent.change(subject, { target: { value: 'Your cart misses you' } });

    server.expire();
    fireEvent.click(screen.getByText('Save'));
    const dialog = await screen.findByRole('dialog', { name: 'Sign in again' });
    expect(screen.getByText('not saved (401)')).toBeTruthy();
    // The page is still there behind the dialog, with the edit in it.
    expect((screen.getByLabelText('Subject') as HTMLInputElement).value).toBe('Your cart misses you');

    fireEvent.change(dialog.querySelector('input[name="email"]')!, { target: { value: user.email } });
    fireEvent.change(dialog.querySelector('input[name="password"]')!, { target: { value: 'a long password' } });
    fireEvent.submit(dialog.querySelector('form')!);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    expect((screen.getByLabelText('Subject') as HTMLInputElement).value).toBe('Your cart misses you');
    fireEvent.click(screen.getByText('Save'));
    await screen.findByText('saved');
    // Saved once, with the new session's CSRF token.
    expect(server.saved).toEqual([{ csrf: 'csrf-2', body: { text: 'Your cart misses you' } }]);
  });

  it('shows the sign-in page, not the app, to a visitor without a session', async () => {
    const server = fakeServer();
    server.expire();
    vi.stubGlobal('fetch', server.fetch);
    render(<SessionGate>{() => <Draft />}</SessionGate>);
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByLabelText('Subject')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
