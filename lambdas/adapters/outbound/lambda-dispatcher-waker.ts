import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export interface WakeLogger {
  warn(message: string, extra: Record<string, unknown>): void;
}

/**
 * Starts the dispatcher function at once (an asynchronous invocation) after an event was written. A
 * failed start loses nothing: the event is stored, and the one-minute sweep delivers it.
 */
export function lambdaDispatcherWaker(client: LambdaClient, functionName: string, log: WakeLogger) {
  return async (): Promise<void> => {
    try {
      await client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: '{"wake":true}' }),
      );
    } catch (error) {
      log.warn('could not start the outbound dispatcher; the sweep will deliver', {
        error: (error as Error).name,
      });
    }
  };
}
