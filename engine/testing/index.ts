/**
 * `foresight/testing`: the harness for testing nodes and plugins with real
 * parts: a real engine on a temporary SQLite file, a virtual clock, and a
 * local SMTP sink for mail.
 *
 * @packageDocumentation
 */
import { builtinRegistry } from '../../nodes/index.ts';
import type { PluginModule } from '../plugin/define-node.ts';
import type { PluginRegistry } from './plugin-harness.ts';

export { createHarness, type Harness, type HarnessOptions, type PluginRegistry } from './plugin-harness.ts';
export { nodeContext } from './node-context.ts';
export { startTestSmtp, type TestSmtp } from '../messaging/test-smtp.ts';
export { createHttpService } from '../net/http.ts';

/**
 * The built-in nodes plus your plugins, checked as the engine checks them at load.
 * Pass it to `createHarness({ registry })`.
 *
 * @example
 * const h = createHarness({ registry: registryWith(myPlugin) });
 */
export function registryWith(...plugins: PluginModule[]): PluginRegistry {
  const r = builtinRegistry();
  for (const p of plugins) r.use(p);
  return r;
}
