import type { Problem } from './types.ts';

/** An error answer from the API, `{ error: { code, message, field? }, problems? }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthorized: () => void = () => {};

/** The session cookie is HttpOnly; state-changing requests prove same-origin with this token. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A non-JSON answer (a proxy's error page, say) is reported below by status.
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; field?: string }; problems?: Problem[] } | null) ?? {};
    if (res.status === 401 && !path.startsWith('/api/auth/login')) onUnauthorized();
    throw new ApiError(res.status, e.error?.code ?? 'http_error', e.error?.message ?? `${method} ${path} failed with ${res.status}`, e.error?.field, e.problems ?? []);
  }
  return data as T;
}

export const get = <T,>(path: string) => api<T>('GET', path);
export const post = <T,>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T,>(path: string, body: unknown) => api<T>('PUT', path, body);
