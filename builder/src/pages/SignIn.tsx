import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api.ts';
import type { User } from '../types.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (s: { user: User; csrfToken: string }) => void }) {
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

  return (
    <div className="signin">
      <form className="signin-card" onSubmit={submit}>
        <div className="brand big">
          <span className="logo" aria-hidden="true" />
          Foresight
        </div>
        <h1>Sign in</h1>
        <p className="muted">Design, test and watch your customer journeys.</p>
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
    </div>
  );
}
