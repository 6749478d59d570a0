import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api } from '../api.js';
import { html } from '../html.js';
import { Problem, useLoad } from '../ui.js';

const COLORS = { hard: '#c0392b', soft: '#d68910', complaint: '#7d3c98' };

function daysAgo(n) {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

function stats(groupBy, days) {
  return api('GET', '/api/stats', { query: { group_by: groupBy, from: daysAgo(days - 1) } }).then(
    (r) => r.data.buckets,
  );
}

/** Bounces and complaints per day by type (uPlot draws into the element; no inline styles in markup). */
function DayChart({ buckets }) {
  const box = useRef(null);
  useEffect(() => {
    if (!box.current || !buckets) return;
    const xs = buckets.map((b) => Date.parse(`${b.key}T00:00:00Z`) / 1000);
    const width = Math.max(280, Math.min(box.current.clientWidth || 640, 960));
    const chart = new uPlot(
      {
        width,
        height: 240,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { label: 'per day' }],
        series: [
          {},
          ...['hard', 'soft', 'complaint'].map((type) => ({
            label: type,
            stroke: COLORS[type],
            width: 2,
            points: { show: buckets.length <= 31 },
          })),
        ],
      },
      [xs, buckets.map((b) => b.hard), buckets.map((b) => b.soft), buckets.map((b) => b.complaint)],
      box.current,
    );
    return () => chart.destroy();
  }, [buckets]);
  return html`<div class="chart" ref=${box} role="img" aria-label="Bounces and complaints per day by type"></div>`;
}

function Ranked({ title, column, buckets, limit = 10, link }) {
  const top = (buckets ?? []).slice(0, limit);
  const max = Math.max(1, ...top.map((b) => b.hard + b.soft + b.complaint));
  return html`<section>
    <h3>${title}</h3>
    ${
      top.length === 0
        ? html`<p>None in this period.</p>`
        : html`<table class="ranked">
          <thead><tr><th scope="col">${column}</th><th scope="col">hard</th><th scope="col">soft</th><th scope="col">complaint</th><th scope="col">total</th></tr></thead>
          <tbody>
            ${top.map((b) => {
              const total = b.hard + b.soft + b.complaint;
              return html`<tr>
                <td class="key">${link ? html`<a href=${link(b.key)}>${b.key}</a>` : b.key}
                  <meter min="0" max=${max} value=${total} aria-hidden="true"></meter></td>
                <td>${b.hard}</td><td>${b.soft}</td><td>${b.complaint}</td><td>${total}</td>
              </tr>`;
            })}
          </tbody>
        </table>`
    }
  </section>`;
}

/** Outbound dead letters: how many (up to a page's worth) and where to retry them. */
function DeadLetters() {
  const [page, error] = useLoad(
    () =>
      api('GET', '/api/outbound/deliveries', { query: { status: 'failed', per_page: 50 } }).then(
        (r) => r.data,
      ),
    [],
  );
  const count = page?.results.length ?? 0;
  return html`<section class="dead-letters">
    <h3>Outbound dead letters</h3>
    <${Problem} error=${error} />
    ${!page && !error && html`<p aria-busy="true">Loading…</p>`}
    ${
      page &&
      (count === 0
        ? html`<p class="ok">None: every outbound delivery went through or is still being tried.</p>`
        : html`<p class="dead">${page.next_cursor ? `More than ${count}` : count} ${count === 1 ? 'delivery' : 'deliveries'} gave up
            (${[...new Set(page.results.map((d) => d.sink))].join(', ')}). <a href="#/outbound">Review and retry them</a>.</p>`)
    }
  </section>`;
}

export function OverviewPage() {
  const [days, setDays] = useState(30);
  const [data, error, loading] = useLoad(
    () => Promise.all([stats('day', days), stats('reason', days), stats('campaign', days)]),
    [days],
  );
  const [perDay, reasons, campaigns] = data ?? [];
  const totals = (perDay ?? []).reduce(
    (t, b) => ({ hard: t.hard + b.hard, soft: t.soft + b.soft, complaint: t.complaint + b.complaint }),
    { hard: 0, soft: 0, complaint: 0 },
  );
  return html`<h2>Overview</h2>
    <fieldset class="inline" aria-label="Period">
      <legend>Period</legend>
      ${[30, 90].map(
        (n) => html`<label><input type="radio" name="days" value=${n} checked=${days === n}
          onChange=${() => setDays(n)} /> last ${n} days</label>`,
      )}
    </fieldset>
    <${Problem} error=${error} />
    ${loading && !data ? html`<p aria-busy="true">Loading…</p>` : null}
    ${
      perDay &&
      html`<p class="totals">${`${totals.hard} hard, ${totals.soft} soft, ${totals.complaint} complaints in the last ${days} days (UTC).`}</p>
      <section>
        <h3>Per day by type</h3>
        <${DayChart} buckets=${perDay} />
      </section>
      <div class="grid">
        <${Ranked} title="Top reasons" column="Reason" buckets=${reasons} />
        <${Ranked} title="Top campaigns" column="Campaign" buckets=${campaigns} link=${(k) => `#/bounces/campaign_uuid=${encodeURIComponent(k)}`} />
      </div>`
    }
    <${DeadLetters} />`;
}
