import type { Clock } from '../../engine/core/clock.ts';

/**
 * Real time, sped up: `speed` simulated milliseconds pass per real one, from
 * the moment the clock is made. The demo runs the engine on it so hours of
 * shop activity (carts abandoned, reminders due) unfold in seconds.
 */
export class AcceleratedClock implements Clock {
  private readonly realStart: number;
  private readonly start: number;

  constructor(
    private readonly real: Clock,
    readonly speed: number,
    start?: Date,
  ) {
    if (!(speed >= 1)) throw new RangeError(`AcceleratedClock: speed must be at least 1, got ${speed}`);
    this.realStart = real.now().getTime();
    this.start = start?.getTime() ?? this.realStart;
  }

  now(): Date {
    return new Date(this.start + (this.real.now().getTime() - this.realStart) * this.speed);
  }
}
