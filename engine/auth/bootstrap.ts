import { newToken, sameSecret } from './tokens.ts';
import type { AuthService, PublicUser } from './service.ts';
import { ForesightError } from '../core/errors.ts';

/**
 * First run: an admin from FORESIGHT_ADMIN_EMAIL/PASSWORD, or else a one-time
 * setup token (printed as a link) that lets the first visitor create the admin.
 * The token lives only in this process's memory and dies with the first user.
 */
export class FirstAdmin {
  private setupToken: string | null = null;

  constructor(private readonly auth: AuthService) {}

  /** Returns the setup token to print, or null when an admin exists (or was just created from env). */
  async ensure(env: { email?: string; password?: string }): Promise<string | null> {
    if (await this.auth.hasUsers()) return null;
    if (env.email && env.password) {
      await this.auth.createUser(env.email, env.password, 'admin');
      return null;
    }
    this.setupToken = newToken(24);
    return this.setupToken;
  }

  get pending(): boolean {
    return this.setupToken !== null;
  }

  async complete(token: string, email: string, password: string): Promise<PublicUser> {
    if (!this.setupToken || !sameSecret(token, this.setupToken) || (await this.auth.hasUsers())) {
      throw new ForesightError('forbidden', 'token: this setup link is not valid (it works once, for the first admin only)', { field: 'token' });
    }
    const user = await this.auth.createUser(email, password, 'admin');
    this.setupToken = null;
    return user;
  }
}
