import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from './progress.ts';

function sink(isTTY: boolean) {
  let out = '';
  const stream = Object.assign(new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) }), { isTTY, columns: 100 });
  return { stream, out: () => out };
}

describe('progressBar', () => {
  it('draws a bar with the share done on a terminal', () => {
    const s = sink(true);
    const bar = progressBar('replay', s.stream);
    bar.update(0, 200);
    bar.update(100, 200);
    bar.update(200, 200);
    bar.stop();
    expect(s.out()).toContain('replay [');
    expect(s.out()).toContain('100% | 200/200');
  });

  it('prints nothing when the stream is not a terminal (a pipe, a log file, CI)', () => {
    const s = sink(false);
    const bar = progressBar('replay', s.stream);
    bar.update(10, 20);
    bar.stop();
    expect(s.out()).toBe('');
  });
});
