import cliProgress from 'cli-progress';

/** A progress display for a long CLI step: `update(done, total)` as work goes, `stop()` at the end. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A bar on `stream` (stderr, so it never mixes with what a command prints on stdout) when a person
 * watches it (a terminal); nothing at all for logs, pipes and CI, which get the summary alone.
 *
 * @example const bar = progressBar('replay'); bar.update(40, 100); bar.stop();
 */
export function progressBar(label: string, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, done);
      else {
        bar.setTotal(total);
        bar.update(done);
      }
      started = true;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
