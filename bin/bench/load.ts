import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import autocannon from 'autocannon';
import { startLocalService } from '../local/local-service.js';
import { WEBHOOK_PATH, webhookBody } from './events.js';
import { silenceHandlerLogs } from './silence.js';
import { formatCount } from './stats.js';

const CONNECTIONS = 50;
const DURATION_S = 10;
/** Long enough for the JIT and the SDK's lazily loaded commands, which otherwise slow the first seconds. */
const WARMUP_S = 3;
const ADDRESSES = 1_000;
/** Failing responses kept verbatim for the report; the rest are only counted. */
const KEEP_FAILURES = 5;

interface Outcome {
  result: autocannon.Result;
  statuses: Map<number, number>;
  failures: string[];
}

function cannon(url: string, authorization: string, seconds: number, run: string): Promise<Outcome> {
  let n = 0;
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        headers: { 'content-type': 'application/json', authorization },
        setupRequest: (request) => ({ ...request, body: JSON.stringify(webhookBody(n++, ADDRESSES, run)) }),
        onResponse: (status, body) => {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if ((status < 200 || status > 299) && failures.length < KEEP_FAILURES)
            failures.push(`${status} ${body}`);
        },
      },
    ],
  }).then((result) => ({ result, statuses, failures }));
}

/**
 * autocannon drops its connections when time is up, but the service still finishes the requests it
 * was serving; closing dynalite under them makes it throw from a callback and end the process.
 */
async function drain(result: autocannon.Result): Promise<void> {
  await sleep(Math.min(10_000, result.latency.max + 1_000));
}

export async function benchLoad(): Promise<string[]> {
  silenceHandlerLogs();
  const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
  const service = await startLocalService({ port: 0, logger });
  try {
    const authorization = `Basic ${Buffer.from(`${service.user.name}:${service.user.token}`).toString('base64')}`;
    console.log(
      `  autocannon: ${CONNECTIONS} connections, ${DURATION_S} s after ${WARMUP_S} s warm-up, POST ${WEBHOOK_PATH}` +
        ` on ${service.url} (embedded dynalite); ${formatCount(ADDRESSES)} addresses, 1 in 3 hard, 1 in 2 with event_id`,
    );
    console.log(
      `  load generator and service share one process, dynalite runs in its own; load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await drain((await cannon(service.url, authorization, WARMUP_S, 'warm')).result);
    const { result, statuses, failures } = await cannon(service.url, authorization, DURATION_S, 'load');
    await drain(result);

    const byStatus = [...statuses].map(([status, count]) => `${status}: ${formatCount(count)}`).join(', ');
    console.log(
      `  requests/s  avg ${formatCount(result.requests.average)}, total ${formatCount(result.requests.total)}`,
    );
    console.log(
      `  latency     p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms,` +
        ` max ${result.latency.max} ms`,
    );
    console.log(`  responses   ${byStatus || 'none'}`);
    console.log(`  non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`);
    for (const failure of failures) console.log(`  !! ${failure}`);
    const clean = result.errors === 0 && result.non2xx === 0;
    return [
      `${formatCount(result.requests.average)} req/s avg, p50 ${result.latency.p50} ms, ` +
        `p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors} ` +
        `(target 0 errors: ${clean ? 'met' : 'MISSED'})`,
    ];
  } finally {
    await service.close();
  }
}
