import { INSTANT_FORMS, readInstant } from './time.ts';

/**
 * Time is a parameter: engine and node code read time only from a Clock,
 * so tests and simulations can run weeks of journey time in seconds.
 */
export interface Clock {
  now(): Date;
}

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to. Never moves backwards. */
export class VirtualClock implements Clock {
  private t: number;

  constructor(start: Date | number | string = 0) {
    // Read like any user-given time, so a start without an offset is UTC under every server TZ.
    const at = readInstant(start);
    if (!at) throw new RangeError(`VirtualClock: invalid start time ${String(start)}; ${INSTANT_FORMS}`);
    this.t = at.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  set(to: Date | number): void {
    const next = typeof to === 'number' ? to : to.getTime();
    if (next > this.t) this.t = next;
  }

  advance(ms: number): void {
    this.t += Math.max(0, ms);
  }
}
