import { describe, expect, it } from 'vitest';
import { Pop3Error } from '../../../lambdas/adapters/pop3/errors.js';
import { LineReader } from '../../../lambdas/adapters/pop3/line-reader.js';
import { MultilineDecoder } from '../../../lambdas/adapters/pop3/multiline.js';

const STREAM = Buffer.concat([
  Buffer.from('+OK 2 messages\r\n+OK\r\nSubject: x\r\n\r\n..dot\r\n...\r\n'),
  Buffer.from([0xe9, 0x80, 0xff, 0x0d, 0x0a, 0x0a, 0x2e, 0x0d, 0x0a]),
  Buffer.from('+OK bye\r\n'),
]);

/** Reads the whole STREAM back as status, multi-line body, status, however it was cut. */
async function decode(chunks: Buffer[]): Promise<string[]> {
  const reader = new LineReader(1024);
  for (const chunk of chunks) reader.push(chunk);
  reader.fail(new Error('closed'));
  const first = await reader.read(100, 'status');
  const second = await reader.read(100, 'status');
  const decoder = new MultilineDecoder(1024);
  while (!decoder.push(await reader.read(100, 'data')));
  const third = await reader.read(100, 'status');
  return [
    first.toString('latin1'),
    second.toString('latin1'),
    decoder.body().toString('latin1'),
    third.toString(),
  ];
}

const EXPECTED = [
  '+OK 2 messages\r\n',
  '+OK\r\n',
  `Subject: x\r\n\r\n.dot\r\n..\r\n${Buffer.from([0xe9, 0x80, 0xff, 0x0d, 0x0a, 0x0a]).toString('latin1')}`,
  '+OK bye\r\n',
];

describe('LineReader and MultilineDecoder', () => {
  it('give the same lines and bytes for every way of cutting the stream in two', async () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(await decode([STREAM.subarray(0, cut), STREAM.subarray(cut)])).toEqual(EXPECTED);
    }
  });

  it('give the same result from 1-byte, 2-byte and 7-byte chunks', async () => {
    for (const size of [1, 2, 7]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.subarray(i, i + size));
      expect(await decode(chunks)).toEqual(EXPECTED);
    }
  });

  it('waits for a line that arrives later', async () => {
    const reader = new LineReader(1024);
    const line = reader.read(1000, 'greeting');
    reader.push(Buffer.from('+OK rea'));
    setTimeout(() => reader.push(Buffer.from('dy\r\n')), 10);
    expect((await line).toString()).toBe('+OK ready\r\n');
  });

  it('rejects with a timeout when no complete line comes in time', async () => {
    const reader = new LineReader(1024);
    reader.push(Buffer.from('+OK never ends'));
    const started = Date.now();
    const error = await reader.read(50, 'reply to STAT').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Pop3Error);
    expect(error).toMatchObject({ code: 'timeout', message: expect.stringContaining('reply to STAT') });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a failure after the complete lines, and drops a partial last line', async () => {
    const reader = new LineReader(1024);
    reader.push(Buffer.from('+OK bye\r\npartial'));
    reader.fail(new Pop3Error('connection', 'closed'));
    expect((await reader.read(100, 'x')).toString()).toBe('+OK bye\r\n');
    await expect(reader.read(100, 'x')).rejects.toMatchObject({ code: 'connection' });
  });

  it('refuses a line longer than its limit and a body larger than its limit', async () => {
    const reader = new LineReader(8);
    reader.push(Buffer.from('0123456789'));
    await expect(reader.read(100, 'x')).rejects.toMatchObject({ code: 'protocol' });
    const decoder = new MultilineDecoder(4);
    expect(() => decoder.push(Buffer.from('12345\r\n'))).toThrow(/larger than 4 bytes/);
  });

  it('keeps a ".\\n" line (bare LF) as data: only ". CRLF" terminates', () => {
    const decoder = new MultilineDecoder(1024);
    expect(decoder.push(Buffer.from('.\n'))).toBe(false);
    expect(decoder.push(Buffer.from('.\r\n'))).toBe(true);
    expect(decoder.body().toString()).toBe('\n');
  });
});
