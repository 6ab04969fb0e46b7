import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api.ts';
import type { User } from '../types.ts';

/**
 * The sign-in form: a page of its own, or (`expired`) a dialog over the page a
 * session ended on, so whatever was being edited stays as it was.
 */
export function SignIn({ onSignedIn, expired = false }: { onSignedIn: (s: { user: User; csrfToken: string }) => void; expired?: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await post<{ user: User; csrfToken: string }>('/api/auth/login', { email, password }));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That email and password do not match an account.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const form = (
    <form className={expired ? 'modal' : 'signin-card'} onSubmit={submit}>
      <div className="brand big">
        <span className="logo" aria-hidden="true" />
        Foresight
      </div>
      <h1>{expired ? 'Your session has ended' : 'Sign in'}</h1>
      <p className="muted">{expired ? 'Sign in again to carry on. Nothing you have not saved is lost: it is still on the page behind this.' : 'Design, test and watch your customer journeys.'}</p>
      <label className="field">
        <span>Email</span>
        <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label className="field">
        <span>Password</span>
        <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn primary wide" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
  return expired ? (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-label="Sign in again">
      {form}
    </div>
  ) : (
    <div className="signin">{form}</div>
  );
}
