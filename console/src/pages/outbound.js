import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { fmtTime, Problem, useLoad } from '../ui.js';

const STATUSES = [
  ['failed', 'dead letters (failed)'],
  ['pending', 'pending'],
  ['delivered', 'delivered'],
];

/** A stored secret reads back masked: the page only says whether one is set. */
function secretState(value) {
  return value ? 'set (hidden)' : 'not set';
}

function OnOff({ on }) {
  return html`<span class=${`tag ${on ? 'on' : 'off'}`}>${on ? 'enabled' : 'disabled'}</span>`;
}

/** Where decisions go, read from settings (secrets stay masked); they are edited on the settings page. */
function Sinks() {
  const [outbound, error] = useLoad(
    () => api('GET', '/api/settings/bounce').then((r) => r.data.outbound),
    [],
  );
  return html`<section aria-labelledby="sinks-title">
    <h3 id="sinks-title">Sinks</h3>
    <${Problem} error=${error} />
    ${!outbound && !error && html`<p aria-busy="true">Loading…</p>`}
    ${
      outbound &&
      html`<div class="table-wrap"><table class="sinks">
        <thead><tr><th scope="col">Sink</th><th scope="col">State</th><th scope="col">Where</th><th scope="col">Takes</th><th scope="col">Secret</th></tr></thead>
        <tbody>
          ${outbound.webhooks.map(
            (w) => html`<tr>
              <td>webhook <span class="mono">${w.uuid}</span></td>
              <td><${OnOff} on=${w.enabled} /></td>
              <td class="mono">${w.url}</td>
              <td>${w.events.length ? w.events.join(', ') : 'the subscriber events'}</td>
              <td>${secretState(w.secret)}</td>
            </tr>`,
          )}
          <tr>
            <td>stmails</td>
            <td><${OnOff} on=${outbound.stmails.enabled} /></td>
            <td class="mono">${outbound.stmails.url}${outbound.stmails.username ? ` as ${outbound.stmails.username}` : ''}</td>
            <td>${outbound.stmails.mode === 'forward_bounces' ? 'every recorded bounce (forward_bounces)' : 'blocklist, unsubscribe, delete (apply_actions)'}</td>
            <td>${secretState(outbound.stmails.token)}</td>
          </tr>
          <tr>
            <td>SES suppression list</td>
            <td><${OnOff} on=${outbound.ses_suppression.enabled} /></td>
            <td>this account's SES suppression list</td>
            <td>hard bounces and complaints; removed on re-enable</td>
            <td>(IAM)</td>
          </tr>
        </tbody>
      </table></div>
      <p>Change sinks on the <a href="#/settings">settings page</a> (section outbound).</p>`
    }
  </section>`;
}

function Deliveries() {
  const [status, setStatus] = useState('failed');
  const [perPage, setPerPage] = useState('20');
  const [cursors, setCursors] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [note, setNote] = useState('');
  const [actionError, setActionError] = useState(null);
  const [page, error, loading, reload] = useLoad(
    () =>
      api('GET', '/api/outbound/deliveries', {
        query: { status, per_page: perPage, ...(cursor ? { cursor } : {}) },
      }).then((r) => r.data),
    [status, perPage, cursor],
  );
  const restart = () => {
    setCursors([]);
    setCursor(null);
    setNote('');
  };
  async function retry(d) {
    if (!confirm(`Retry delivering ${d.event_type} to ${d.sink} now? Its attempts start over.`)) return;
    setActionError(null);
    try {
      await api('POST', `/api/outbound/deliveries/${encodeURIComponent(d.id)}/retry`);
      setNote(`Delivery ${d.id} is back in line; its first attempt starts now.`);
      reload();
    } catch (e) {
      setActionError(e);
    }
  }
  return html`<section aria-labelledby="deliveries-title">
    <h3 id="deliveries-title">Deliveries</h3>
    <form class="filters" aria-label="Delivery filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="field">
        <label for="d-status">Status</label>
        <select id="d-status" value=${status} onChange=${(e) => {
          setStatus(e.currentTarget.value);
          restart();
        }}>
          ${STATUSES.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="d-per_page">Per page</label>
        <select id="d-per_page" value=${perPage} onChange=${(e) => {
          setPerPage(e.currentTarget.value);
          restart();
        }}>
          ${['20', '50', '100', '200'].map((n) => html`<option>${n}</option>`)}
        </select>
      </div>
    </form>
    <p role="status" class="status">${note}</p>
    <${Problem} error=${actionError} />
    <${Problem} error=${error} />
    ${
      page &&
      html`<div class="table-wrap"><table class="deliveries">
        <caption>Page ${cursors.length + 1}${loading ? ' (loading…)' : ''}</caption>
        <thead><tr>
          <th scope="col">Event (UTC)</th><th scope="col">Type</th><th scope="col">Sink</th><th scope="col">Subscriber</th>
          <th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Next attempt</th><th scope="col"><span class="sr-only">Actions</span></th>
        </tr></thead>
        <tbody>
          ${page.results.length === 0 && html`<tr><td colspan="8">No ${status} deliveries.</td></tr>`}
          ${page.results.map(
            (d) => html`<tr>
              <td>${fmtTime(d.created_at)}</td>
              <td>${d.event_type}</td>
              <td class="mono">${d.sink}</td>
              <td>${
                d.subscriber?.email
                  ? html`<a href=${`#/subscriber/${encodeURIComponent(d.subscriber.email)}`}>${d.subscriber.email}</a>`
                  : (d.subscriber?.uuid ?? '')
              }</td>
              <td>${d.attempts}</td>
              <td>${d.last_error ?? ''}${d.note ? html`<br /><small>${d.note}</small>` : ''}</td>
              <td>${fmtTime(d.next_attempt_at)}</td>
              <td>${
                d.status === 'failed' &&
                html`<button type="button" class="small" aria-label=${`Retry ${d.event_type} to ${d.sink}`} onClick=${() => retry(d)}>Retry</button>`
              }</td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages of deliveries">
        <button type="button" onClick=${() => {
          setCursor(cursors.at(-1) ?? null);
          setCursors(cursors.slice(0, -1));
        }} disabled=${cursors.length === 0}>Previous page</button>
        <button type="button" onClick=${() => {
          setCursors([...cursors, cursor]);
          setCursor(page.next_cursor);
        }} disabled=${!page.next_cursor}>Next page</button>
      </nav>`
    }
  </section>`;
}

export function OutboundPage() {
  return html`<h2>Outbound</h2>
    <p>Decisions (blocklist, unsubscribe, delete, re-enable) and, where a sink asks, every recorded bounce
      are delivered to these sinks. A sink that keeps failing for a day is dead-lettered; retry it here.</p>
    <${Sinks} />
    <${Deliveries} />`;
}
