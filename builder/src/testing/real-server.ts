import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { post, setCsrfToken } from '../api.ts';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

/**
 * The real server (`foresight serve` on a temporary SQLite file, its engine loop on) in a child
 * process, for component tests under happy-dom: the page's URL points at it and an admin is
 * signed in (as ADMIN), so a component's requests go to it as they would from the browser; `env` adds
 * settings (mail, for instance). `stop()` ends it and removes the file.
 */
export async function startRealServer(env: Record<string, string> = {}): Promise<{ base: string; stop: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-component-'));
  const bin = path.resolve(import.meta.dirname, '../../../bin/foresight.js');
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', path.join(dir, 'd.db')], { env: { ...process.env, FORESIGHT_ADMIN_EMAIL: ADMIN.email, FORESIGHT_ADMIN_PASSWORD: ADMIN.password, ...env } });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /foresight listening on .*?; open (http:\/\/\S+?)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`server exited:\n${out}`)));
  });
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(base);
  const { csrfToken } = await post<{ csrfToken: string }>('/api/auth/login', ADMIN);
  setCsrfToken(csrfToken);
  return {
    base,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
