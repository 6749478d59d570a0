/** When a scan stops fetching, when its mail server I/O must be over, and how long its lease lasts. */
export interface ScanTimes {
  /** No new message is fetched from then on. */
  deadline: Date;
  /** Every read and connect of the session ends by then (the in-flight message, DELEs and QUIT included). */
  finishBy: Date;
  leaseMs: number;
}

export interface ScanMargins {
  /** From `deadline` to `finishBy`: the message being fetched and recorded, the DELEs and QUIT. */
  windDownMs: number;
  /** From `finishBy` to the end of the time left: the state writes, the lease release and the answer. */
  finishMs: number;
}

/**
 * Splits the time a function has left (Lambda's `getRemainingTimeInMillis`) so the scan, whatever the
 * mail server does, ends before the function is stopped. With less time than the margins the scan
 * fetches nothing.
 */
export function scanTimes(now: Date, remainingMs: number, margins: ScanMargins): ScanTimes {
  const start = now.getTime();
  const finishBy = Math.max(start, start + remainingMs - margins.finishMs);
  const deadline = Math.max(start, finishBy - margins.windDownMs);
  return { deadline: new Date(deadline), finishBy: new Date(finishBy), leaseMs: Math.max(0, remainingMs) };
}
