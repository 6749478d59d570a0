import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { chromium } from 'playwright-core';
import { buildConsole } from '../console/build-console.js';
import { startLocalService } from '../local/local-service.js';
import { summarise } from './stats.js';

const RUNS = 10;

/**
 * The console's transfer size (gzipped, as built) and its time to first render in Debian's
 * chromium (/usr/bin/chromium) against `npm start`'s service: navigation to the sign-in form, and a
 * signed-in load to the drawn overview chart. Baseline: the same browser loading a blank page.
 */
export async function benchConsole(): Promise<string[]> {
  // Built apart, so a service serving console/dist meanwhile is not disturbed.
  const built = await buildConsole(mkdtempSync(join(tmpdir(), 'stmails-console-')));
  const gz = built.files.reduce((n, f) => n + f.gzipped, 0);
  const lines = [
    `console transfer ${(gz / 1024).toFixed(1)} KiB gzipped (${built.files.map((f) => `${f.name} ${(f.gzipped / 1024).toFixed(1)}`).join(', ')})`,
  ];
  const service = await startLocalService({
    port: 0,
    user: 'bench',
    token: 'bench-token-0123456789',
    scanEveryMs: 0,
    console: true,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const browser = await chromium.launch({
    executablePath: process.env.STMAILS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const blank: number[] = [];
    const form: number[] = [];
    const chart: number[] = [];
    for (let i = 0; i < RUNS + 1; i += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      let start = performance.now();
      await page.goto(`${service.url}/api/openapi.json`, { waitUntil: 'load' });
      const blankMs = performance.now() - start;
      start = performance.now();
      await page.goto(`${service.url}/console/`);
      await page.getByLabel('Token').waitFor();
      const formMs = performance.now() - start;
      await page.getByLabel('API user').fill('bench');
      await page.getByLabel('Token').fill('bench-token-0123456789');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.chart canvas').waitFor();
      start = performance.now();
      await page.reload();
      await page.locator('.chart canvas').waitFor();
      const chartMs = performance.now() - start;
      await context.close();
      if (i === 0) continue; // warm-up
      blank.push(blankMs);
      form.push(formMs);
      chart.push(chartMs);
    }
    const b = summarise(blank).p50;
    const f = summarise(form).p50;
    const c = summarise(chart).p50;
    lines.push(
      `first render (sign-in form) p50 ${f.toFixed(0)} ms; signed-in overview with chart p50 ${c.toFixed(0)} ms; ` +
        `baseline (a small JSON page) ${b.toFixed(0)} ms: ${(f / b).toFixed(1)}x and ${(c / b).toFixed(1)}x`,
    );
    for (const line of lines) console.log(`  ${line}`);
    return lines;
  } finally {
    await browser.close();
    await service.close();
  }
}
