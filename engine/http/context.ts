import type { Logger } from 'pino';
import type { FirstAdmin } from '../auth/bootstrap.ts';
import type { AuthService } from '../auth/service.ts';
import { DEFAULT_INGEST_RATE_LIMIT } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { DeliveryBreaker } from '../executor/breaker.ts';
import type { JourneyService } from '../journeys.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { Storage } from '../storage/types.ts';
import type { BacktestJobs } from './backtest-jobs.ts';

export interface ApiLimits {
  /** Ingestion requests per second per key (or IP) for keys without their own limit; 0: unlimited. */
  ingestPerSecond: number;
  /** The window those requests are counted over (one second; tests widen it so no window edge falls inside them). */
  ingestWindowMs: number;
  /** Failed sign-ins per IP and account per 15 minutes. */
  loginPer15Minutes: number;
  /** Failed sign-ins per IP over all accounts per 15 minutes (a shared office IP, or one guessing many accounts). */
  loginPerIpPer15Minutes: number;
  /** Largest CSV upload, bytes. */
  uploadBytes: number;
}

export const DEFAULT_LIMITS: ApiLimits = { ingestPerSecond: DEFAULT_INGEST_RATE_LIMIT, ingestWindowMs: 1000, loginPer15Minutes: 10, loginPerIpPer15Minutes: 100, uploadBytes: 512 * 1024 * 1024 };

/** What route modules need; assembled once by the server. */
export interface ApiContext {
  storage: Storage;
  clock: Clock;
  /** Time in the real world (sessions, caches of what people look at): differs from `clock` where shop time runs at another pace. */
  realClock: Clock;
  registry: NodeRegistry;
  journeys: JourneyService;
  auth: AuthService;
  firstAdmin: FirstAdmin;
  log: Logger;
  metrics: Metrics;
  /** The engine's delivery circuit breaker: paused kinds, alerts, resume. */
  delivery: DeliveryBreaker;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  limits: ApiLimits;
  /** Folder for CSV uploads in flight. */
  tmpDir: string;
  /** Backtests running off the request thread. */
  backtests: BacktestJobs;
}
