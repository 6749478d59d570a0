import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordBounce } from '../../lambdas/core/bounces/record-bounce.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';

const AWKWARD = [
  'comma, inside',
  'quote " inside',
  'line\nbreak and\r\nCRLF',
  'non-ASCII: Grüße ✉ 退信',
  '=HYPERLINK("http://evil.example")',
  '+1',
  '-2',
  '@SUM(A1)',
];

describe('GET /api/bounces?format=csv', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await apiHarness();
    const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });
    for (const [i, text] of AWKWARD.entries()) {
      api.clock.advance(1000);
      await recordBounce(api.record, settings, {
        email: `user${i}@example.com`,
        type: 'hard',
        reason: 'unknown',
        source: text,
        diagnostic: text,
        meta: { note: text },
      });
    }
  });

  it('round-trips awkward values through a real CSV parser, formulas neutralised', async () => {
    const res = await api.call({
      resource: '/api/bounces',
      query: { format: 'csv', order: 'asc', per_page: '100' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/csv; charset=utf-8');
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(AWKWARD.length);
    expect(Object.keys(rows[0] as object)).toEqual([
      'id',
      'created_at',
      'email',
      'subscriber_uuid',
      'subscriber_status',
      'campaign_uuid',
      'source',
      'type',
      'reason',
      'status',
      'diagnostic',
      'meta',
    ]);
    rows.forEach((row, i) => {
      const text = AWKWARD[i] as string;
      const expected = /^[=+\-@]/.test(text) ? `'${text}` : text;
      expect(row.source).toBe(expected);
      expect(row.diagnostic).toBe(expected);
      expect(JSON.parse(row.meta as string)).toEqual({ note: text });
      expect(row.subscriber_status).toBe('enabled');
    });
  });

  it('ends records with CRLF', async () => {
    const res = await api.call({ resource: '/api/bounces', query: { format: 'csv', per_page: '1' } });
    expect(res.text.split('\r\n')[0]).toBe(
      'id,created_at,email,subscriber_uuid,subscriber_status,campaign_uuid,source,type,reason,status,diagnostic,meta',
    );
  });

  it('gives the next cursor in X-Next-Cursor and a Link header, none on the last page', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await api.call({
        resource: '/api/bounces',
        path: '/api/bounces',
        query: { format: 'csv', per_page: '3', ...(cursor ? { cursor } : {}) },
      });
      const rows = parse(res.text, { columns: true }) as { id: string }[];
      seen.push(...rows.map((r) => r.id));
      cursor = res.headers['X-Next-Cursor'];
      if (!cursor) {
        expect(res.headers.Link).toBeUndefined();
        break;
      }
      expect(res.headers.Link).toBe(
        `</api/bounces?format=csv&per_page=3&cursor=${encodeURIComponent(cursor)}>; rel="next"`,
      );
    }
    expect(new Set(seen).size).toBe(AWKWARD.length);
  });

  it('refuses an unknown format naming it', async () => {
    const res = await api.call({ resource: '/api/bounces', query: { format: 'xml' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^format/);
  });
});
