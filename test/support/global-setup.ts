import type { TestProject } from 'vitest/node';
import { startDynalite } from '../../bin/local/local-dynamodb.js';

/** One in-process dynalite for the run; each test file makes its own table in it. */
export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const ddb = await startDynalite();
  project.provide('ddbEndpoint', ddb.endpoint);
  return () => ddb.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
  }
}
