import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { SystemClock } from '../../core/clock.ts';
import { Engine } from '../../executor/engine.ts';
import { createApp } from '../../http/app.ts';
import { Scheduler } from '../../scheduler/scheduler.ts';
import { openSqlite } from '../../storage/sqlite/index.ts';
import { cliConfig, cliRegistry } from '../context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and the engine loop on a SQLite database')
    .option('--port <port>', 'HTTP port (env PORT, default 4000)')
    .option('--db <file>', 'SQLite database file (env FORESIGHT_DB, default ./foresight.db)')
    .action(async (opts: { port?: string; db?: string }) => {
      const config = cliConfig({ port: opts.port, db: opts.db });
      const registry = await cliRegistry(config);
      let apiKey = config.apiKey;
      if (!apiKey) {
        // Never run open: without a configured key, make one and show it exactly once.
        apiKey = randomBytes(24).toString('hex');
        console.log(`FORESIGHT_API_KEY was not set; generated API key for this run: ${apiKey}`);
      }
      const storage = openSqlite(config.db);
      // The edge of the system: the only place real time enters.
      const clock = new SystemClock();
      const engine = new Engine({ storage, registry, clock });
      const scheduler = new Scheduler({ engine, clock });
      const app = createApp({ registry, apiKey });
      const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
        const s = app.listen(config.port, (err?: Error) => (err ? reject(err) : resolve(s)));
      });
      scheduler.start();
      const { port } = server.address() as AddressInfo;
      console.log(`foresight listening on http://localhost:${port} (database ${config.db})`);
      scheduler.stopOnSignals(async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await storage.close();
      });
    });
}
