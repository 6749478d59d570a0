/** Where the ingestion use cases say what happened (Powertools' logger fits); never given secrets. */
export interface IngestionLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export const silentLog: IngestionLog = { info: () => undefined, warn: () => undefined };
