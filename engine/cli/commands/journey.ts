import type { Command } from 'commander';
import { validateJourney } from '../../graph/validate.ts';
import { cliConfig, cliRegistry, readJsonFile } from '../context.ts';

/** `foresight journey validate <file>`: every problem at once, so one edit round fixes them all. */
export function registerJourneyCommand(program: Command): void {
  const journey = program.command('journey').description('work with journey documents');
  journey
    .command('validate')
    .description('check a journey JSON file; prints every problem (exit 1) or "valid" (exit 0)')
    .argument('<file>', 'journey JSON file')
    .option('--json', 'print the problems as a JSON array')
    .action(async (file: string, opts: { json?: boolean }) => {
      const registry = await cliRegistry(cliConfig());
      const doc = await readJsonFile(file, 'journey');
      const { problems } = validateJourney(doc, registry);
      if (opts.json) console.log(JSON.stringify(problems, null, 2));
      else if (problems.length === 0) console.log('valid');
      else {
        for (const p of problems) {
          const where = [p.nodeId && `node ${p.nodeId}`, p.edgeId && `edge ${p.edgeId}`, p.field && `field ${p.field}`].filter(Boolean).join(', ');
          console.log(where ? `${where}: ${p.message}` : p.message);
        }
      }
      process.exitCode = problems.length ? 1 : 0;
    });
}
