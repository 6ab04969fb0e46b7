import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('FORESIGHT_ALLOWED_LATENESS', () => {
  it('defaults to 24 h and reads a duration from the variable or the flag', () => {
    expect(loadConfig({}).allowedLatenessMs).toBe(24 * 3_600_000);
    expect(loadConfig({ FORESIGHT_ALLOWED_LATENESS: '90m' }).allowedLatenessMs).toBe(90 * 60_000);
    expect(loadConfig({ FORESIGHT_ALLOWED_LATENESS: '90m' }, { allowedLateness: '2d' }).allowedLatenessMs).toBe(2 * 86_400_000);
  });

  it('refuses a value that is not a duration, naming the variable and the fix', () => {
    expect(() => loadConfig({ FORESIGHT_ALLOWED_LATENESS: '1 day' })).toThrow(/^FORESIGHT_ALLOWED_LATENESS="1 day": must be a duration; write a number and a unit, e.g. 30m, 24h or 3d/);
    expect(() => loadConfig({}, { allowedLateness: '-1h' })).toThrow(/^--allowed-lateness="-1h": must be a duration/);
  });
});
