import type { Command } from 'commander';
import { cliConfig } from '../context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API, the builder and the engine loop on a SQLite database')
    .option('--port <port>', 'HTTP port (env PORT, default 4000)')
    .option('--db <file>', 'SQLite database file (env FORESIGHT_DB, default ./foresight.db)')
    .action(async (opts: { port?: string; db?: string }) => {
      const config = cliConfig({ port: opts.port, db: opts.db });
      // Loaded on use: the server pulls in express, pino and prom-client, which other commands do not need.
      const { startServer } = await import('../../server.ts');
      const running = await startServer({ config, handleSignals: true });
      // Printed, not only logged: the operator must see it once to create the first admin.
      if (running.setupUrl) console.log(`No users yet. Create the first admin here (the link works once): ${running.setupUrl}`);
    });
}
