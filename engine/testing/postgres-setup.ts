import type { TestProject } from 'vitest/node';
import { pgBinDir, prepareTemplate, startTestCluster, type TestCluster } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL of the run's PostgreSQL, or null when none can be started (tests then skip with the reason). */
    pgUrl: string | null;
  }
}

/** vitest globalSetup: one PostgreSQL per test run, shared by every test file, removed at the end. */
export default async function setup(project: TestProject): Promise<() => void> {
  let cluster: TestCluster | null = null;
  let url = process.env.FORESIGHT_TEST_PG_URL || null;
  if (!url) {
    const bin = pgBinDir();
    if (bin) {
      cluster = await startTestCluster(bin);
      url = cluster.url;
    }
  }
  if (url) await prepareTemplate(url);
  project.provide('pgUrl', url);
  return () => cluster?.stop();
}
