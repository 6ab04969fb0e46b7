import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../core/errors.ts';
import { registerApiKeyCommand, registerUserCommand } from './commands/access.ts';
import { registerCatalogCommand } from './commands/catalog.ts';
import { registerCustomerCommand } from './commands/customer.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerJourneyCommand } from './commands/journey.ts';
import { registerOutboxCommands } from './commands/outbox.ts';
import { registerPluginCommand } from './commands/plugin.ts';
import { registerServeCommand, registerWorkerCommand } from './commands/serve.ts';
import { registerSimulateCommand } from './commands/simulate.ts';

/** Exit code for usage and runtime errors; 1 is reserved for "ran fine, found problems" (journey validate). */
export const ERROR_EXIT = 2;

export async function buildProgram(): Promise<Command> {
  const program = new Command('foresight')
    .description('Foresight: predictive lifecycle journeys')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    // Set before subcommands are added so each inherits it: we decide the exit code.
    .exitOverride();
  registerJourneyCommand(program);
  registerSimulateCommand(program);
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerImportCommand(program);
  registerCatalogCommand(program);
  registerCustomerCommand(program);
  registerOutboxCommands(program);
  registerApiKeyCommand(program);
  registerUserCommand(program);
  registerDemoCommand(program);
  registerPluginCommand(program);
  // `models` is written separately; load it when present so the CLI works either way.
  const modelsFile = new URL('./commands/models.ts', import.meta.url);
  if (existsSync(fileURLToPath(modelsFile))) {
    const mod = (await import(modelsFile.href)) as { registerModelsCommand?: (p: Command) => void };
    mod.registerModelsCommand?.(program);
  }
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (or the help / version).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : ERROR_EXIT;
    }
    console.error(`error: ${errorMessage(err).replace(/\s*\n\s*/g, '; ')}`);
    return ERROR_EXIT;
  }
}
