import type { Command } from 'commander';
import type { Problem } from '../../graph/types.ts';
import { validateJourney } from '../../graph/validate.ts';
import { cliConfig, cliRegistry, readJsonFile } from '../context.ts';

// A message that starts with its field (`settings.reentry: …`) names it already.
const where = (p: Problem) =>
  [p.nodeId && `node ${p.nodeId}`, p.edgeId && `edge ${p.edgeId}`, p.field && !p.message.startsWith(`${p.field}:`) && `field ${p.field}`].filter(Boolean).join(', ');

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
      const { problems, warnings } = validateJourney(doc, registry);
      // Warnings go to stderr: stdout keeps its one contract (problems, or "valid").
      for (const w of warnings) console.error(`warning: ${where(w)}: ${w.message}`);
      if (opts.json) console.log(JSON.stringify(problems, null, 2));
      else if (problems.length === 0) console.log('valid');
      else for (const p of problems) console.log(where(p) ? `${where(p)}: ${p.message}` : p.message);
      process.exitCode = problems.length ? 1 : 0;
    });
}
