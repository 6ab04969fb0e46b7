// Runs after `npm ci` / `npm install`: builds the plugin SDK's declarations (dist/types, what
// `foresight/plugin` and `foresight/testing` point their types at) and the builder into builder/dist,
// so `npx foresight serve` serves it at once (before, only `npm start` built it and `/` answered a JSON 404).
// An install without dev dependencies (`npm ci --omit=dev`) has no Vite: it says so and goes on,
// and the server's `/` then explains how to build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

try {
  createRequire(import.meta.url).resolve('vite/package.json');
} catch {
  console.log('foresight: Vite is not installed (dev dependencies omitted); the builder is not built. Run `npm run build` once they are installed.');
  process.exit(0);
}
for (const script of ['build:types', 'build']) {
  const run = spawnSync('npm', ['run', script, '--silent'], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
