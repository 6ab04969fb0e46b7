/** `npm run bench`'s timers section in a process of its own, so its peak RSS is the serve loop's alone. Prints the result as JSON. */
import { runTimersBench } from './timers.bench.ts';

const opts = JSON.parse(process.argv[2]!) as Parameters<typeof runTimersBench>[0];
process.stdout.write(JSON.stringify(await runTimersBench({ ...opts, log: (s) => process.stderr.write(`${s}\n`) })));
