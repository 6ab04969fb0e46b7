import type { ApiKeyRecord, AuthStore, SessionRecord, UserRecord } from '../types.ts';
import type { Db } from './db.ts';

const USER = 'id, email, password_hash AS "passwordHash", role, created_at AS "createdAt", updated_at AS "updatedAt"';
const SESSION = 'token_hash AS "tokenHash", user_id AS "userId", csrf_token AS "csrfToken", created_at AS "createdAt", expires_at AS "expiresAt"';
const KEY = 'id, name, prefix, key_hash AS "keyHash", scope, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt", rate_limit AS "rateLimit"';

export function pgAuth(db: Db): AuthStore {
  const one = async <T>(text: string, params: unknown[]) => ((await db.query<T>(text, params))[0] ?? null) as T | null;
  return {
    async createUser({ email, passwordHash, role }, now) {
      return one<UserRecord>(
        `INSERT INTO users (email, password_hash, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING RETURNING ${USER}`,
        [email, passwordHash, role, now],
      );
    },
    async userByEmail(email) {
      return one<UserRecord>(`SELECT ${USER} FROM users WHERE email = $1`, [email]);
    },
    async userById(id) {
      return one<UserRecord>(`SELECT ${USER} FROM users WHERE id = $1`, [id]);
    },
    async listUsers() {
      return db.query<UserRecord>(`SELECT ${USER} FROM users ORDER BY id`);
    },
    async countUsers() {
      return (await one<{ n: number }>('SELECT COUNT(*) AS n FROM users', []))!.n;
    },
    async setPassword(userId, passwordHash, now) {
      await db.query('UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1', [userId, passwordHash, now]);
    },
    async createSession(s) {
      await db.tx(async (q) => {
        // Sweep expired sessions on each sign-in: the table stays as small as the set of live ones.
        await q('DELETE FROM sessions WHERE expires_at <= $1', [s.createdAt]);
        await q('INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [s.tokenHash, s.userId, s.csrfToken, s.createdAt, s.expiresAt]);
      });
    },
    async session(tokenHash, now) {
      return one<SessionRecord>(`SELECT ${SESSION} FROM sessions WHERE token_hash = $1 AND expires_at > $2`, [tokenHash, now]);
    },
    async deleteSession(tokenHash) {
      await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    },
    async deleteSessionsOf(userId) {
      await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
    },
    async createApiKey(k, now) {
      return (await one<ApiKeyRecord>(`INSERT INTO api_keys (name, prefix, key_hash, scope, created_at, rate_limit) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${KEY}`, [k.name, k.prefix, k.keyHash, k.scope, now, k.rateLimit ?? null]))!;
    },
    async useApiKey(keyHash, now) {
      return one<ApiKeyRecord>(`UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 AND revoked_at IS NULL RETURNING ${KEY}`, [keyHash, now]);
    },
    async listApiKeys() {
      return db.query<ApiKeyRecord>(`SELECT ${KEY} FROM api_keys ORDER BY id`);
    },
    async revokeApiKey(id, now) {
      return (await db.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id, now])).length > 0;
    },
  };
}
