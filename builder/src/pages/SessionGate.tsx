import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { get, post, setCsrfToken, setUnauthorizedHandler } from '../api.ts';
import type { User } from '../types.ts';
import { SignIn } from './SignIn.tsx';

export interface Session {
  user: User;
  csrfToken: string;
}

/**
 * The builder is never open without a session: everything renders behind the
 * sign-in check. A session that ends mid-work (any 401) does not unmount the
 * page: the sign-in form opens over it, so an edit in progress survives and
 * can be saved once the user is back.
 */
export function SessionGate({ children }: { children: (session: Session, signOut: () => void) => ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    setSession(s);
    setExpired(false);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setExpired(true));
    get<Session>('/api/auth/me').then(signedIn, () => setSession(null));
  }, [signedIn]);

  const signOut = useCallback(async () => {
    await post('/api/auth/logout').catch(() => undefined);
    setCsrfToken('');
    setSession(null);
  }, []);

  if (session === undefined) return <div className="boot" aria-busy="true" />;
  if (session === null) return <SignIn onSignedIn={signedIn} />;
  return (
    <>
      {children(session, signOut)}
      {expired && <SignIn expired onSignedIn={signedIn} />}
    </>
  );
}
