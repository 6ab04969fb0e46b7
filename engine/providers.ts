import type { ServiceProviders } from './executor/services.ts';
import { scoredNextPurchase } from './models/provider.ts';
import { segmentProvider } from './segments/index.ts';
import type { Storage } from './storage/types.ts';

/**
 * The one place that assembles the engine's service providers for a storage:
 * the server, the simulation and the demo all run journeys with these.
 * `nextPurchase` reads the scoring job's stored predictions; where there is none (not yet
 * scored, or bought since) the engine falls back to its median-gap prediction.
 */
export function defaultProviders(storage: Storage): ServiceProviders {
  return {
    segment: segmentProvider(storage),
    nextPurchase: scoredNextPurchase(storage),
  };
}
