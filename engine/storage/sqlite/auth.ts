import { and, count, eq, gt, isNull, lte } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { AuthStore } from '../types.ts';
import { apiKeys, sessions, users } from './schema.ts';

export function sqliteAuth(d: BetterSQLite3Database): AuthStore {
  return {
    async createUser({ email, passwordHash, role }, now) {
      const row = d.insert(users).values({ email, passwordHash, role, createdAt: now, updatedAt: now }).onConflictDoNothing().returning().get();
      return row ?? null;
    },
    async userByEmail(email) {
      return d.select().from(users).where(eq(users.email, email)).get() ?? null;
    },
    async userById(id) {
      return d.select().from(users).where(eq(users.id, id)).get() ?? null;
    },
    async listUsers() {
      return d.select().from(users).orderBy(users.id).all();
    },
    async countUsers() {
      return d.select({ n: count() }).from(users).get()!.n;
    },
    async setPassword(userId, passwordHash, now) {
      d.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId)).run();
    },
    async createSession(s) {
      d.transaction((tx) => {
        // Sweep expired sessions on each sign-in: the table stays as small as the set of live ones.
        tx.delete(sessions).where(lte(sessions.expiresAt, s.createdAt)).run();
        tx.insert(sessions).values(s).run();
      });
    },
    async session(tokenHash, now) {
      return d.select().from(sessions).where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now))).get() ?? null;
    },
    async deleteSession(tokenHash) {
      d.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    },
    async deleteSessionsOf(userId) {
      d.delete(sessions).where(eq(sessions.userId, userId)).run();
    },
    async createApiKey(k, now) {
      return d.insert(apiKeys).values({ ...k, rateLimit: k.rateLimit ?? null, createdAt: now }).returning().get();
    },
    async useApiKey(keyHash, now) {
      const row = d.update(apiKeys).set({ lastUsedAt: now }).where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt))).returning().get();
      return row ?? null;
    },
    async listApiKeys() {
      return d.select().from(apiKeys).orderBy(apiKeys.id).all();
    },
    async revokeApiKey(id, now) {
      return d.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).run().changes > 0;
    },
  };
}
