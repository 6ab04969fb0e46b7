import { useEffect, useState } from 'react';

/** Hash routes: the server only has to serve index.html at `/`. */
export type Route =
  | { page: 'journeys' }
  | { page: 'editor'; id: string }
  | { page: 'templates' }
  | { page: 'insights' }
  | { page: 'segments'; name?: string }
  | { page: 'customers'; id?: string }
  | { page: 'kpis' }
  | { page: 'brand' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'journeys' && parts[1]) return { page: 'editor', id: parts[1] };
  if (parts[0] === 'templates') return { page: 'templates' };
  if (parts[0] === 'insights') return { page: 'insights' };
  if (parts[0] === 'segments') return parts[1] ? { page: 'segments', name: parts[1] } : { page: 'segments' };
  if (parts[0] === 'customers') return parts[1] ? { page: 'customers', id: parts[1] } : { page: 'customers' };
  if (parts[0] === 'kpis') return { page: 'kpis' };
  if (parts[0] === 'brand') return { page: 'brand' };
  return { page: 'journeys' };
}

export function routeHref(route: Route): string {
  if (route.page === 'editor') return `#/journeys/${encodeURIComponent(route.id)}`;
  const sub = route.page === 'segments' ? route.name : route.page === 'customers' ? route.id : undefined;
  return sub ? `#/${route.page}/${encodeURIComponent(sub)}` : `#/${route.page}`;
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
