import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';
import { PROVIDERS } from '../../lambdas/core/providers/registry.js';
import { FakePop3Server, TEST_PASSWORD, TEST_USER } from '../support/fake-pop3-server.js';
import { type Browser, launchChromium } from './chromium.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'docs', 'screenshots');
const MAIL = join(ROOT, 'test', 'fixtures', 'mail');
const USER = 'operator';
const TOKEN = 'console-test-token-0123456789';
const READER = { name: 'reader', token: 'reader-token-0123456789', permissions: ['bounces:get'] };
const CAMPAIGN = '9f86b50d-5711-41c8-ab03-bc91c43d711b';

describe('console in a real headless Chromium', () => {
  let service: LocalService;
  let browser: Browser;
  let page: Page;
  let pop: FakePop3Server;
  let mailboxUuid = '';
  const consoleErrors: string[] = [];

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
    const answer: any = await res.json().catch(() => null);
    return { status: res.status, headers: res.headers, body: answer };
  }

  async function shot(name: string) {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    service = await startLocalService({
      port: 0,
      user: USER,
      token: TOKEN,
      users: [READER],
      scanEveryMs: 0,
      console: true,
      logger: new Logger({ serviceName: 'browser-test', logLevel: 'ERROR' }),
    });
    // Bounces over the last weeks: enough for two pages, several types, reasons and campaigns.
    const now = Date.now();
    for (let i = 0; i < 26; i += 1) {
      const type = i % 5 === 0 ? 'complaint' : i % 3 === 0 ? 'hard' : 'soft';
      const res = await call('POST', '/webhooks/bounce', {
        email: `user${i % 9}@example.com`,
        source: i % 2 ? 'ses' : 'api',
        type,
        ...(i % 4 ? { campaign_uuid: CAMPAIGN } : {}),
        created_at: new Date(now - (i % 12) * 86_400_000 - i * 60_000).toISOString(),
        meta: { reason: ['mailbox_full', 'user_unknown', 'blocked', 'spam_detected'][i % 4] },
      });
      expect(res.status).toBe(200);
    }
    pop = await FakePop3Server.start({
      users: { [TEST_USER]: TEST_PASSWORD },
      messages: [readFileSync(join(MAIL, 'exim.eml')), readFileSync(join(MAIL, 'autoreply-rfc3834.eml'))],
    });
    const current = await call('GET', '/api/settings/bounce');
    const saved = await call(
      'PUT',
      '/api/settings/bounce',
      {
        mailboxes: [
          {
            host: pop.host,
            port: pop.port,
            tls: 'none',
            username: TEST_USER,
            password: TEST_PASSWORD,
            enabled: false,
            scan_interval: '15m',
          },
        ],
      },
      { 'If-Match': current.headers.get('ETag') as string },
    );
    expect(saved.status).toBe(200);
    mailboxUuid = saved.body.data.mailboxes[0].uuid;
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('dialog', (d) => d.accept());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await pop?.close();
    await service?.close();
  });

  it('serves the console with a strict CSP and no inline script', async () => {
    const res = await fetch(`${service.url}/console/`);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
  });

  it('refuses wrong credentials on the page, without the browser dialog', async () => {
    const challenged: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 401 && r.headers()['www-authenticate']) challenged.push(r.url());
    });
    await page.goto(`${service.url}/console/`);
    await page.getByLabel('API user').fill(USER);
    await page.getByLabel('Token').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong user or token');
    expect(challenged).toEqual([]);
    await shot('sign-in');
  });

  it('signs in and draws the overview charts', async () => {
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Per day by type' }).waitFor();
    await page.locator('.chart canvas').waitFor();
    // Painted pixels of the chart's canvas (a string, so no DOM types are needed here).
    const drawn = await page.evaluate(`(() => {
      const c = document.querySelector('.chart canvas');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
      return painted;
    })()`);
    expect(drawn).toBeGreaterThan(100);
    await expect.poll(() => page.locator('.totals').textContent()).toMatch(/\d+ hard/);
    expect(await page.getByRole('cell', { name: CAMPAIGN }).count()).toBe(1);
    await page
      .getByRole('cell', { name: /user_unknown/ })
      .first()
      .waitFor();
    // The token is nowhere but sessionStorage: not in the address, not in the markup.
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.content()).not.toContain(TOKEN);
    await shot('overview');
  });

  it('filters bounces, pages on, downloads the CSV and deletes one', async () => {
    await page.getByRole('link', { name: 'Bounces' }).click();
    await page.getByRole('button', { name: 'Next page' }).waitFor();
    expect(await page.locator('table.bounces tbody tr').count()).toBe(20);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.locator('caption').textContent()).toContain('Page 2');
    // The caption changes when the request starts; the rows when its answer arrives.
    await expect.poll(() => page.locator('table.bounces tbody tr').count()).toBe(6);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => page.locator('caption').textContent()).toBe('Page 1');

    await page.getByLabel('Type').selectOption('soft');
    await page.getByLabel('Source').fill('ses');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(async () =>
        (await page.locator('table.bounces tbody tr td:nth-child(5)').allTextContents()).join(),
      )
      .toMatch(/^ses(,ses)*$/);
    const rows = await page.locator('table.bounces tbody tr').count();
    expect(rows).toBeGreaterThan(0);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const csv = readFileSync((await (await download).path()) as string, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^id,created_at,email/);
    expect(lines).toHaveLength(rows + 1);
    for (const line of lines.slice(1)) expect(line).toContain(',ses,soft,');
    await shot('bounces');

    await page
      .locator('table.bounces tbody tr')
      .first()
      .getByRole('button', { name: /Delete bounce/ })
      .click();
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/Deleted bounce/);
    await expect.poll(() => page.locator('table.bounces tbody tr').count()).toBe(rows - 1);
  });

  it('looks a subscriber up and re-enables it', async () => {
    const blocked = (await call('GET', '/api/bounces?type=hard&per_page=1')).body.data.results[0].email;
    await page.getByRole('link', { name: 'Subscriber' }).click();
    await page.getByLabel('Email address or uuid').fill(blocked);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { name: blocked }).waitFor();
    expect(await page.locator('.subscriber .tag').first().textContent()).toBe('blocklisted');
    await shot('subscriber');
    await page.getByRole('button', { name: 'Re-enable…' }).click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('enabled again');
    await expect.poll(() => page.locator('.subscriber dd .tag').first().textContent()).toBe('enabled');
    expect(
      (await call('GET', `/api/subscribers?email=${encodeURIComponent(blocked)}`)).body.data.status,
    ).toBe('enabled');
  });

  it('shows a refused setting beside its field, then saves, then explains a conflict', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const count = page.locator('#s-actions_soft_count');
    await count.waitFor();
    await count.fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => page.locator('#s-actions_soft_count-error').textContent())
      .toContain('whole number');
    expect(await count.getAttribute('aria-invalid')).toBe('true');
    await shot('settings-error');
    await count.fill('3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/Saved \(version \d+\)/);
    expect((await call('GET', '/api/settings/bounce')).body.data.actions.soft.count).toBe(3);
    // The password comes masked and stays stored when saved back unchanged.
    expect(await page.locator('#s-mailboxes_0__password').inputValue()).toBe('••••••••');
    expect(await page.content()).not.toContain(TEST_PASSWORD);

    const current = await call('GET', '/api/settings/bounce');
    await call(
      'PUT',
      '/api/settings/bounce',
      { webhooks_enabled: true },
      {
        'If-Match': current.headers.get('ETag') as string,
      },
    );
    await count.fill('4');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('409');
    await page.getByRole('button', { name: /Reload settings/ }).click();
    await expect.poll(() => count.inputValue()).toBe('3');
  });

  it("renders one provider fieldset per registry provider from the API's schema, secrets as passwords", async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.locator('fieldset.provider').first().waitFor();
    const shown = await page
      .locator('fieldset.provider')
      .evaluateAll((sets) => sets.map((s) => s.getAttribute('data-provider')));
    expect(shown).toEqual(PROVIDERS.map((p) => p.name));
    for (const provider of PROVIDERS) {
      await expect
        .poll(() => page.locator(`fieldset[data-provider="${provider.name}"] legend`).textContent())
        .toBe(provider.title);
      for (const field of provider.settings) {
        const input = page.locator(`#s-${provider.name}_${field.key}`);
        if (field.kind === 'secret') expect(await input.getAttribute('type'), field.key).toBe('password');
        if (field.kind === 'string-list')
          expect(await input.evaluate((e) => e.tagName), field.key).toBe('TEXTAREA');
        if (field.kind === 'boolean') expect(await input.getAttribute('type'), field.key).toBe('checkbox');
      }
    }
    // A provider's field error lands beside its field, as the service names it.
    await page.locator('#s-forwardemail_enabled').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => page.locator('#s-forwardemail_key-error').textContent())
      .toContain('is required (not blank) while forwardemail.enabled');
    await shot('settings-providers');
  });

  it('tests a mailbox connection and scans it', async () => {
    await page.getByRole('link', { name: 'Mailboxes' }).click();
    await page.getByRole('button', { name: /^Test connection/ }).click();
    await expect
      .poll(() => page.locator('.mailbox .status').textContent(), { timeout: 15_000 })
      .toContain('Connection works');
    await page.getByRole('button', { name: /^Scan .* now/ }).click();
    await page.getByRole('heading', { name: 'Scan report' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('dl.report').textContent()).toMatch(/fetched2/);
    await shot('mailboxes');
    expect(mailboxUuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tells a user without a permission so on the page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.getByLabel('API user').fill(READER.name);
    await page.getByLabel('Token').fill(READER.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('.notice').first().textContent()).toContain('settings:get');
  });

  it('is readable 360 px wide', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('.chart canvas').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('overview-360');
    expect(consoleErrors.filter((e) => !/401|403|409|400/.test(e))).toEqual([]);
  });
});
