import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ForesightError } from '../../core/errors.ts';
import { scaffoldPlugin } from '../../plugin/scaffold.ts';
import { builtinRegistry } from '../../../nodes/index.ts';

/** `foresight plugin new <name>` and `foresight plugin check <path>`. */
export function registerPluginCommand(program: Command): void {
  const plugin = program.command('plugin').description('write node plugins: scaffold a package, check one against the contract');
  plugin
    .command('new <name>')
    .description('create ./<name>: a plugin package with a node, an effect, a passing test and a README')
    .option('--dir <dir>', 'where to create it (default ./<name>)')
    .action((name: string, opts: { dir?: string }) => {
      const files = scaffoldPlugin(name);
      const dir = path.resolve(opts.dir ?? name);
      if (existsSync(dir) && readdirSync(dir).length > 0) throw new ForesightError('invalid_input', `plugin new: ${dir} exists and is not empty; pick another name or --dir`, { field: 'dir' });
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
      console.log(`created ${dir}: ${Object.keys(files).join(', ')}`);
    });
  plugin
    .command('check <path>')
    .description('load a plugin (file path or package name) and report every contract problem; exits 1 if there are any')
    .action(async (spec: string) => {
      const registry = builtinRegistry();
      const before = new Set(registry.types());
      let loaded;
      try {
        loaded = await registry.load(spec);
      } catch (err) {
        for (const line of (err as Error).message.split('\n')) console.log(line);
        process.exitCode = 1;
        return;
      }
      const types = registry.types().filter((t) => !before.has(t));
      console.log(`ok: plugin ${loaded.name ?? spec}: nodes ${types.join(', ') || 'none'}; effects ${Object.keys(loaded.effects ?? {}).join(', ') || 'none'}`);
    });
}
