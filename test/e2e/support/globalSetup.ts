/**
 * Builds the app once and serves it on a free localhost port for the whole end-to-end run;
 * the tests read the address with `inject('baseUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  project.provide('baseUrl', server.url);
  return () => server.close();
}
