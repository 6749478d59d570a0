import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per function; never give it secrets or whole message bodies. */
export const logger = new Logger({ serviceName: 'stmails-bounce' });
