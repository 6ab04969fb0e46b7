// Plain JS on purpose (as bin/foresight.js): a worker thread starts without the
// parent's TypeScript loader, so it registers tsx before loading the real code.
import { register } from 'tsx/esm/api';

register();
await import('./backtest-thread.ts');
