import { type FileHandle, open, rename, unlink } from 'node:fs/promises';

/** Where the export goes. Nothing written counts as complete until `commit`. */
export interface Sink {
  write(chunk: string): Promise<void>;
  commit(): Promise<void>;
  /** After a failure; returns a note for the user about what was left behind, if anything. */
  abort(): Promise<string | undefined>;
}

/**
 * Writes `${path}.partial` and renames it to `path` only on commit, so an interrupted export never sits
 * under the final name. Opened before the first request so an unwritable path fails fast.
 */
export async function fileSink(path: string): Promise<Sink> {
  const partial = `${path}.partial`;
  let handle: FileHandle | undefined = await open(partial, 'w');
  let written = 0;
  return {
    async write(chunk) {
      if (!handle) throw new Error('output already closed');
      const buf = Buffer.from(chunk, 'utf8');
      // FileHandle.write may write less than asked; loop until the whole page is down.
      for (let offset = 0; offset < buf.length; ) {
        offset += (await handle.write(buf, offset)).bytesWritten;
      }
      written += buf.length;
    },
    async commit() {
      if (!handle) throw new Error('output already closed');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(partial, path);
    },
    async abort() {
      await handle?.close().catch(() => undefined);
      handle = undefined;
      if (written === 0) {
        await unlink(partial).catch(() => undefined);
        return undefined;
      }
      return `the incomplete output is in ${partial}`;
    },
  };
}

/** stdout, or any stream; each write waits for the stream to take it, which keeps memory flat. */
export function streamSink(stream: NodeJS.WritableStream): Sink {
  let failure: Error | undefined;
  // Without a listener an EPIPE (`| head`) would crash the process instead of ending the export.
  const onError = (err: Error) => {
    failure ??= err;
  };
  stream.on('error', onError);
  const detach = () => stream.removeListener('error', onError);
  return {
    write(chunk) {
      if (failure) return Promise.reject(failure);
      return new Promise((done, fail) => {
        stream.write(chunk, (err) => (err ? fail(err) : done()));
      });
    },
    async commit() {
      detach();
      if (failure) throw failure;
    },
    async abort() {
      detach();
      return undefined;
    },
  };
}
