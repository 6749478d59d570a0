import { type ExportOptions, parseExportArgs, USAGE, UsageError } from './args.js';
import { ExportError } from './errors.js';
import { type FetchPagesOptions, fetchPages } from './fetch-pages.js';
import { csvFormat, jsonFormat } from './formats.js';
import { fileSink, type Sink, streamSink } from './output.js';
import { Progress, type ProgressStream } from './progress.js';
import { basicAuth, type Credentials, sigv4Auth } from './sigv4.js';
import { csvWriter, jsonlWriter, type PageWriter } from './writers.js';

export interface ExportDeps {
  stdout: NodeJS.WritableStream;
  stderr: ProgressStream;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  retry?: Pick<FetchPagesOptions<unknown>, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs'>;
  /** For --auth iam: instead of the AWS SDK's default credential chain. */
  credentials?: Credentials;
}

async function pump<P>(pages: AsyncIterable<P>, write: PageWriter<P>, progress: Progress): Promise<void> {
  for await (const page of pages) {
    let rows: number;
    try {
      rows = await write(page);
    } catch (err) {
      if (err instanceof ExportError) throw err;
      // `| head` closing the pipe is common enough to deserve a plain explanation.
      if ((err as NodeJS.ErrnoException).code === 'EPIPE')
        throw new ExportError('stdout closed before the export finished');
      throw new ExportError(`cannot write the output: ${(err as Error).message}`);
    }
    progress.page(rows);
  }
}

export async function runExport(
  options: ExportOptions,
  deps: ExportDeps,
): Promise<{ pages: number; rows: number }> {
  const progress = new Progress(deps.stderr, deps.now);
  let sink: Sink;
  try {
    sink = options.out === undefined ? streamSink(deps.stdout) : await fileSink(options.out);
  } catch (err) {
    throw new ExportError(`cannot write ${options.out}.partial: ${(err as Error).message}`);
  }
  const common = {
    endpoint: options.endpoint,
    params: { ...options.filters, order: options.order },
    auth:
      options.auth.kind === 'iam'
        ? sigv4Auth(options.auth.region, deps.credentials)
        : basicAuth(options.auth.user, options.auth.token),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...deps.retry,
    onRetry: (r: { page: number; attempt: number; maxAttempts: number; delayMs: number; reason: string }) =>
      progress.notice(
        `page ${r.page}: ${r.reason}; retrying in ${(r.delayMs / 1000).toFixed(1)} s ` +
          `(attempt ${r.attempt + 1} of ${r.maxAttempts})`,
      ),
  };
  try {
    if (options.format === 'csv') {
      await pump(fetchPages({ ...common, format: csvFormat }), csvWriter(sink), progress);
    } else {
      await pump(fetchPages({ ...common, format: jsonFormat }), jsonlWriter(sink), progress);
    }
    await sink.commit();
  } catch (err) {
    progress.finish();
    const note = await sink.abort();
    const message =
      err instanceof ExportError ? err.message : `cannot write the output: ${(err as Error).message}`;
    throw new ExportError(note ? `${message}\n${note}` : message);
  }
  progress.finish(options.out ?? 'stdout');
  return progress.totals;
}

/** The whole command: 0 done, 1 export failed, 2 bad arguments. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, deps: ExportDeps): Promise<number> {
  let parsed: ReturnType<typeof parseExportArgs>;
  try {
    parsed = parseExportArgs(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    deps.stderr.write(`error: ${err.message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (parsed.help) {
    deps.stdout.write(USAGE);
    return 0;
  }
  try {
    await runExport(parsed.options, deps);
    return 0;
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    deps.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
}
