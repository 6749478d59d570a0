import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { fmtTime, Problem, useLoad } from '../ui.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function lookUp(ref) {
  if (!ref) return null;
  const sub = UUID.test(ref)
    ? (await api('GET', `/api/subscribers/${encodeURIComponent(ref)}`)).data
    : (await api('GET', '/api/subscribers', { query: { email: ref } })).data;
  // A bare record (made by a bounce) has no uuid yet: its bounces are found by address.
  const bounces = await api('GET', '/api/bounces', { query: { email: sub.email, per_page: '50' } }).catch(
    (error) => ({
      error,
    }),
  );
  return { sub, bounces };
}

function Details({ sub, bounces, onReenabled }) {
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');
  async function reenable() {
    if (
      !confirm(
        `Re-enable ${sub.email}? Status becomes enabled and bounce actions are re-armed; list subscriptions stay as they are.`,
      )
    )
      return;
    setError(null);
    try {
      await api('POST', `/api/subscribers/${encodeURIComponent(sub.uuid ?? sub.email)}/reenable`);
      setStatus(`${sub.email} is enabled again.`);
      onReenabled();
    } catch (e) {
      setError(e);
    }
  }
  const lists = Object.entries(sub.lists ?? {});
  return html`<section class="subscriber">
    <h3>${sub.email}</h3>
    <dl>
      <dt>Status</dt><dd><span class=${`tag ${sub.status}`}>${sub.status}</span></dd>
      <dt>uuid</dt><dd class="mono">${sub.uuid ?? '(none yet: made by a bounce)'}</dd>
      ${sub.name && html`<dt>Name</dt><dd>${sub.name}</dd>`}
      <dt>Bounces</dt><dd>${sub.bounce_counts.hard} hard, ${sub.bounce_counts.soft} soft, ${sub.bounce_counts.complaint} complaints</dd>
      <dt>Lists</dt><dd>${lists.length ? lists.map(([id, s]) => html`<span class="list">${id}: ${s}</span> `) : 'none'}</dd>
      <dt>Since</dt><dd>${fmtTime(sub.created_at)}</dd>
    </dl>
    ${sub.status === 'blocklisted' && html`<button type="button" onClick=${reenable}>Re-enable…</button>`}
    <p role="status" class="status">${status}</p>
    <${Problem} error=${error} />
    <h4>Action history</h4>
    ${
      sub.history.length === 0
        ? html`<p>No actions.</p>`
        : html`<div class="table-wrap"><table>
          <thead><tr><th scope="col">When (UTC)</th><th scope="col">Action</th><th scope="col">Type</th><th scope="col">Count</th><th scope="col">By</th></tr></thead>
          <tbody>${sub.history.map(
            (h) => html`<tr><td>${fmtTime(h.at)}</td><td>${h.action}</td><td>${h.type ?? ''}</td>
              <td>${h.count ?? ''}</td><td>${h.by ?? ''}</td></tr>`,
          )}</tbody>
        </table></div>`
    }
    <h4>Bounces</h4>
    ${
      bounces.error
        ? html`<${Problem} error=${bounces.error} />`
        : html`<div class="table-wrap"><table>
          <thead><tr><th scope="col">When (UTC)</th><th scope="col">Type</th><th scope="col">Reason</th><th scope="col">Source</th><th scope="col">Diagnostic</th></tr></thead>
          <tbody>
            ${bounces.data.results.length === 0 && html`<tr><td colspan="5">None stored.</td></tr>`}
            ${bounces.data.results.map(
              (
                b,
              ) => html`<tr><td>${fmtTime(b.created_at)}</td><td><span class=${`tag ${b.type}`}>${b.type}</span></td>
                <td>${b.reason}</td><td>${b.source}</td><td>${b.diagnostic ?? ''}</td></tr>`,
            )}
          </tbody>
        </table></div>
        ${bounces.data.next_cursor && html`<p><a href=${`#/bounces/email=${encodeURIComponent(sub.email)}`}>All bounces of this address</a></p>`}`
    }
  </section>`;
}

export function SubscriberPage({ arg }) {
  const [ref, setRef] = useState(arg ?? '');
  const [draft, setDraft] = useState(arg ?? '');
  const [found, error, loading, reload] = useLoad(() => lookUp(ref), [ref]);
  function submit(event) {
    event.preventDefault();
    const value = draft.trim();
    setRef(value);
    history.replaceState(null, '', `#/subscriber/${encodeURIComponent(value)}`);
  }
  return html`<h2>Subscriber</h2>
    <form class="lookup" onSubmit=${submit} role="search">
      <label for="lookup">Email address or uuid</label>
      <div class="row">
        <input id="lookup" value=${draft} onInput=${(e) => setDraft(e.currentTarget.value)} required />
        <button type="submit">Look up</button>
      </div>
    </form>
    ${loading && ref ? html`<p aria-busy="true">Looking up…</p>` : null}
    ${error?.status === 404 ? html`<p class="notice" role="alert">${error.message}</p>` : html`<${Problem} error=${error} />`}
    ${found && html`<${Details} sub=${found.sub} bounces=${found.bounces} onReenabled=${reload} />`}`;
}
