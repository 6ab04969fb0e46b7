import type { Logger } from 'pino';
import type { FirstAdmin } from '../auth/bootstrap.ts';
import type { AuthService } from '../auth/service.ts';
import type { Clock } from '../core/clock.ts';
import type { DeliveryBreaker } from '../executor/breaker.ts';
import type { JourneyService } from '../journeys.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { Storage } from '../storage/types.ts';

export interface ApiLimits {
  /** Ingestion requests per key (or IP) per minute. */
  ingestPerMinute: number;
  /** Login attempts per IP and email per 15 minutes. */
  loginPer15Minutes: number;
  /** Largest CSV upload, bytes. */
  uploadBytes: number;
}

export const DEFAULT_LIMITS: ApiLimits = { ingestPerMinute: 1200, loginPer15Minutes: 10, uploadBytes: 512 * 1024 * 1024 };

/** What route modules need; assembled once by the server. */
export interface ApiContext {
  storage: Storage;
  clock: Clock;
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
}
