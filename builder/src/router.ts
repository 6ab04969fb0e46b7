import { useEffect, useState } from 'react';

/** Hash routes: the server only has to serve index.html at `/`. */
export type Route =
  | { page: 'journeys' }
  | { page: 'editor'; id: string }
  | { page: 'templates' }
  | { page: 'insights' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'journeys' && parts[1]) return { page: 'editor', id: parts[1] };
  if (parts[0] === 'templates') return { page: 'templates' };
  if (parts[0] === 'insights') return { page: 'insights' };
  return { page: 'journeys' };
}

export function routeHref(route: Route): string {
  return route.page === 'editor' ? `#/journeys/${encodeURIComponent(route.id)}` : `#/${route.page}`;
}

let leaveGuard: (() => string | null) | null = null;

/** The editor registers a guard that returns a warning while changes are unsaved. */
export function setLeaveGuard(fn: (() => string | null) | null): void {
  leaveGuard = fn;
}

export function navigate(route: Route): void {
  const warning = leaveGuard?.();
  if (warning && !window.confirm(warning)) return;
  window.location.hash = routeHref(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
