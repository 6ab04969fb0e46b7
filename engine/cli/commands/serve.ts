import type { Command } from 'commander';
import { cliConfig, DB_OPTION } from '../context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API, the builder and (unless --no-worker) the engine loop')
    .option('--port <port>', 'HTTP port (env PORT, default 4000)')
    .option('--host <address>', 'interface to listen on (env HOST, default 0.0.0.0: every interface; 127.0.0.1 behind a local reverse proxy)')
    .option('--ingest-rate-limit <n>', 'ingestion requests per second per API key without its own limit (env FORESIGHT_INGEST_RATE_LIMIT, default 500; 0: unlimited)')
    .option('--db <target>', DB_OPTION)
    .option('--no-worker', 'serve the API and builder only; `foresight worker` processes run journeys and deliver mail (PostgreSQL)')
    .action(async (opts: { port?: string; host?: string; ingestRateLimit?: string; db?: string; worker: boolean }) => {
      const config = cliConfig({ port: opts.port, host: opts.host, ingestRateLimit: opts.ingestRateLimit, db: opts.db });
      // Loaded on use: the server pulls in express, pino and prom-client, which other commands do not need.
      const { startServer } = await import('../../server.ts');
      const running = await startServer({ config, handleSignals: true, scheduler: opts.worker });
      // Printed, not only logged: the operator must see it once to create the first admin.
      if (running.setupUrl) console.log(`No users yet. Create the first admin here (the link works once): ${running.setupUrl}`);
    });
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the engine loop, outbox delivery and recurring jobs without HTTP; start as many as needed on one PostgreSQL database')
    .option('--db <target>', DB_OPTION)
    .action(async (opts: { db?: string }) => {
      const { startWorker } = await import('../../worker.ts');
      await startWorker({ config: cliConfig({ db: opts.db }), handleSignals: true });
    });
}
