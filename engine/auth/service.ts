import type { Clock } from '../core/clock.ts';
import { ForesightError } from '../core/errors.ts';
import type { ApiKeyRecord, ApiKeyScope, Storage, UserRecord, UserRole } from '../storage/types.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from './password.ts';
import { digest, newToken, sameSecret } from './tokens.ts';

/** Who made a request: a builder user (cookie session) or a holder of an API key. */
export type Principal =
  | { kind: 'session'; user: PublicUser; csrfToken: string; tokenHash: string }
  | { kind: 'key'; scope: ApiKeyScope; keyId: number | null; rateLimit: number | null };

export interface PublicUser {
  id: number;
  email: string;
  role: UserRole;
}

export const API_KEY_PREFIX = 'fsk_';
const DEFAULT_SESSION_TTL = 7 * 86_400_000;
/**
 * How long a checked API key is trusted without asking storage again. It bounds
 * both the last-use writes (one per key per minute, not one per request) and how
 * long another API process may still accept a key revoked elsewhere; a key revoked
 * through this process stops at once.
 */
export const API_KEY_CACHE_MS = 60_000;

const publicUser = (u: UserRecord): PublicUser => ({ id: u.id, email: u.email, role: u.role });
const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * Users, sessions and API keys. Secrets are shown once and stored only as
 * hashes; every check runs in constant time on the secret part.
 */
export class AuthService {
  private readonly sessionTtlMs: number;
  /** FORESIGHT_API_KEY: an admin key from the environment, for deployments that provision secrets that way. */
  private readonly envApiKey: string | undefined;
  /** Checked keys by hash: the principal and when storage last confirmed it (and recorded its use). */
  private readonly checkedKeys = new Map<string, { principal: Principal & { kind: 'key' }; checkedAt: number }>();

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    opts: { sessionTtlMs?: number; envApiKey?: string } = {},
  ) {
    this.sessionTtlMs = opts.sessionTtlMs ?? DEFAULT_SESSION_TTL;
    this.envApiKey = opts.envApiKey;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  async createUser(email: string, password: string, role: UserRole): Promise<PublicUser> {
    checkPasswordStrength(password);
    const user = await this.storage.auth.createUser({ email: normalEmail(email), passwordHash: await hashPassword(password), role }, this.now());
    if (!user) throw new ForesightError('conflict', `email: a user "${normalEmail(email)}" already exists`, { field: 'email' });
    return publicUser(user);
  }

  async hasUsers(): Promise<boolean> {
    return (await this.storage.auth.countUsers()) > 0;
  }

  async listUsers(): Promise<PublicUser[]> {
    return (await this.storage.auth.listUsers()).map(publicUser);
  }

  /** Checks the password and opens a session; the same error for unknown email and wrong password. */
  async login(email: string, password: string): Promise<{ token: string; csrfToken: string; user: PublicUser; expiresAt: number; ttlMs: number }> {
    const user = await this.storage.auth.userByEmail(normalEmail(email));
    // Hash even for an unknown email so response time does not reveal which emails exist.
    const ok = user ? await verifyPassword(password, user.passwordHash) : (await hashPassword(password), false);
    if (!user || !ok) throw new ForesightError('invalid_credentials', 'email or password is wrong', { field: 'password' });
    const token = newToken();
    const csrfToken = newToken(24);
    const now = this.now();
    const expiresAt = now + this.sessionTtlMs;
    await this.storage.auth.createSession({ tokenHash: digest(token), userId: user.id, csrfToken, createdAt: now, expiresAt });
    return { token, csrfToken, user: publicUser(user), expiresAt, ttlMs: this.sessionTtlMs };
  }

  async session(token: string): Promise<Principal | null> {
    const tokenHash = digest(token);
    const s = await this.storage.auth.session(tokenHash, this.now());
    if (!s) return null;
    const user = await this.storage.auth.userById(s.userId);
    return user ? { kind: 'session', user: publicUser(user), csrfToken: s.csrfToken, tokenHash } : null;
  }

  async logout(tokenHash: string): Promise<void> {
    await this.storage.auth.deleteSession(tokenHash);
  }

  async changePassword(userId: number, password: string): Promise<void> {
    checkPasswordStrength(password);
    await this.storage.auth.setPassword(userId, await hashPassword(password), this.now());
    await this.storage.auth.deleteSessionsOf(userId);
  }

  /** Creates a key and returns it in clear text: the only time it is ever visible. */
  /** `rateLimit`: ingestion requests per second; null (default) follows the server's setting, 0 means unlimited. */
  async createApiKey(name: string, scope: ApiKeyScope, rateLimit: number | null = null): Promise<{ key: string; record: ApiKeyRecord }> {
    const key = `${API_KEY_PREFIX}${newToken()}`;
    const record = await this.storage.auth.createApiKey({ name, prefix: key.slice(0, API_KEY_PREFIX.length + 6), keyHash: digest(key), scope, rateLimit }, this.now());
    return { key, record };
  }

  async apiKey(key: string): Promise<Principal | null> {
    if (this.envApiKey && sameSecret(key, this.envApiKey)) return { kind: 'key', scope: 'admin', keyId: null, rateLimit: null };
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const keyHash = digest(key);
    const now = this.now();
    const cached = this.checkedKeys.get(keyHash);
    if (cached && now - cached.checkedAt < API_KEY_CACHE_MS) return cached.principal;
    // Unknown keys are not cached: the map holds only real keys, so guessing cannot grow it.
    const rec = await this.storage.auth.useApiKey(keyHash, now);
    if (!rec) {
      this.checkedKeys.delete(keyHash);
      return null;
    }
    const principal = { kind: 'key', scope: rec.scope, keyId: rec.id, rateLimit: rec.rateLimit } as const;
    this.checkedKeys.set(keyHash, { principal, checkedAt: now });
    return principal;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.storage.auth.listApiKeys();
  }

  async revokeApiKey(id: number): Promise<void> {
    for (const [hash, c] of this.checkedKeys) if (c.principal.keyId === id) this.checkedKeys.delete(hash);
    if (!(await this.storage.auth.revokeApiKey(id, this.now()))) throw new ForesightError('not_found', `API key ${id} does not exist or is already revoked`, { field: 'id' });
  }
}
