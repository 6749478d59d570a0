import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { fmtTime, Problem, useLoad } from '../ui.js';

const FILTERS = ['email', 'campaign_uuid', 'source', 'type', 'from', 'to'];

/** `datetime-local` holds no zone: the console treats it as UTC, as the API's days are. */
function toApiTime(value) {
  return value ? `${value.length === 16 ? `${value}:00` : value}Z` : '';
}

function initialFilters(arg) {
  const params = new URLSearchParams(arg ?? '');
  const out = { order: 'desc', per_page: '20' };
  for (const name of FILTERS) if (params.get(name)) out[name] = params.get(name);
  return out;
}

function apiQuery(filters) {
  const q = {};
  for (const [name, value] of Object.entries(filters)) {
    if (!value) continue;
    q[name] = name === 'from' || name === 'to' ? toApiTime(value) : value;
  }
  return q;
}

function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Field({ name, label, children, hint }) {
  return html`<div class="field">
    <label for=${`f-${name}`}>${label}</label>
    ${children}
    ${hint && html`<small id=${`f-${name}-hint`}>${hint}</small>`}
  </div>`;
}

export function BouncesPage({ arg }) {
  const [draft, setDraft] = useState(() => initialFilters(arg));
  const [filters, setFilters] = useState(draft);
  // Cursors of the pages before the current one: "Previous" pops one.
  const [cursors, setCursors] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [status, setStatus] = useState('');
  const [actionError, setActionError] = useState(null);
  const [page, error, loading, reload] = useLoad(
    () =>
      api('GET', '/api/bounces', { query: { ...apiQuery(filters), ...(cursor ? { cursor } : {}) } }).then(
        (r) => r.data,
      ),
    [filters, cursor],
  );

  const set = (name) => (event) => setDraft({ ...draft, [name]: event.currentTarget.value });
  function apply(event) {
    event.preventDefault();
    setFilters({ ...draft });
    setCursors([]);
    setCursor(null);
    setStatus('');
  }
  function next() {
    setCursors([...cursors, cursor]);
    setCursor(page.next_cursor);
  }
  function previous() {
    setCursor(cursors.at(-1) ?? null);
    setCursors(cursors.slice(0, -1));
  }
  async function csv() {
    setActionError(null);
    try {
      const { text, headers } = await api('GET', '/api/bounces', {
        query: { ...apiQuery(filters), ...(cursor ? { cursor } : {}), format: 'csv' },
        raw: true,
      });
      download(text, `bounces-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`);
      setStatus(
        headers.get('X-Next-Cursor')
          ? 'Downloaded this page as CSV; page on and download again for the next one.'
          : 'Downloaded as CSV.',
      );
    } catch (e) {
      setActionError(e);
    }
  }
  async function remove(bounce) {
    if (!confirm(`Delete the ${bounce.type} bounce of ${bounce.email} from ${fmtTime(bounce.created_at)}?`))
      return;
    setActionError(null);
    try {
      await api('DELETE', `/api/bounces/${encodeURIComponent(bounce.id)}`);
      setStatus(`Deleted bounce ${bounce.id}.`);
      reload();
    } catch (e) {
      setActionError(e);
    }
  }
  async function removeMatching() {
    const q = apiQuery(filters);
    delete q.order;
    delete q.per_page;
    const described = Object.entries(q)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    if (!described) {
      setActionError(new Error('Set a filter first: the console never deletes every bounce at once.'));
      return;
    }
    if (!confirm(`Delete every bounce matching ${described}? This cannot be undone.`)) return;
    setActionError(null);
    let deleted = 0;
    try {
      for (;;) {
        const r = await api('DELETE', '/api/bounces', { query: q });
        deleted += r.data.deleted;
        setStatus(`Deleted ${deleted} so far…`);
        if (!r.data.more) break;
      }
      setStatus(`Deleted ${deleted} bounces matching ${described}.`);
      setCursors([]);
      setCursor(null);
      reload();
    } catch (e) {
      setActionError(e);
    }
  }

  return html`<h2>Bounces</h2>
    <form class="filters" onSubmit=${apply} aria-label="Filters">
      <${Field} name="email" label="Email"><input id="f-email" type="email" value=${draft.email ?? ''} onInput=${set('email')} /></${Field}>
      <${Field} name="campaign_uuid" label="Campaign uuid"><input id="f-campaign_uuid" value=${draft.campaign_uuid ?? ''} onInput=${set('campaign_uuid')} /></${Field}>
      <${Field} name="source" label="Source"><input id="f-source" value=${draft.source ?? ''} onInput=${set('source')} placeholder="ses, api, pop3:…" /></${Field}>
      <${Field} name="type" label="Type">
        <select id="f-type" value=${draft.type ?? ''} onChange=${set('type')}>
          <option value="">any</option><option>hard</option><option>soft</option><option>complaint</option>
        </select>
      </${Field}>
      <${Field} name="from" label="From (UTC)"><input id="f-from" type="datetime-local" value=${draft.from ?? ''} onInput=${set('from')} /></${Field}>
      <${Field} name="to" label="To (UTC)"><input id="f-to" type="datetime-local" value=${draft.to ?? ''} onInput=${set('to')} /></${Field}>
      <${Field} name="order" label="Order">
        <select id="f-order" value=${draft.order} onChange=${set('order')}>
          <option value="desc">newest first</option><option value="asc">oldest first</option>
        </select>
      </${Field}>
      <${Field} name="per_page" label="Per page">
        <select id="f-per_page" value=${draft.per_page} onChange=${set('per_page')}>
          ${['20', '50', '100', '500'].map((n) => html`<option>${n}</option>`)}
        </select>
      </${Field}>
      <div class="actions">
        <button type="submit">Apply filters</button>
        <button type="button" class="secondary" onClick=${csv}>Download CSV</button>
        <button type="button" class="danger" onClick=${removeMatching}>Delete matching…</button>
      </div>
    </form>
    <p role="status" class="status">${status}</p>
    <${Problem} error=${actionError} />
    <${Problem} error=${error} />
    ${
      page &&
      html`<div class="table-wrap"><table class="bounces">
        <caption>Page ${cursors.length + 1}${loading ? ' (loading…)' : ''}</caption>
        <thead><tr>
          <th scope="col">When (UTC)</th><th scope="col">Email</th><th scope="col">Type</th>
          <th scope="col">Reason</th><th scope="col">Source</th><th scope="col">Campaign</th><th scope="col"><span class="sr-only">Actions</span></th>
        </tr></thead>
        <tbody>
          ${page.results.length === 0 && html`<tr><td colspan="7">No bounces match.</td></tr>`}
          ${page.results.map(
            (b) => html`<tr>
              <td>${fmtTime(b.created_at)}</td>
              <td><a href=${`#/subscriber/${encodeURIComponent(b.email)}`}>${b.email}</a>
                ${b.subscriber_status === 'blocklisted' && html` <mark>blocklisted</mark>`}</td>
              <td><span class=${`tag ${b.type}`}>${b.type}</span></td>
              <td>${b.reason}${b.status ? ` (${b.status})` : ''}</td>
              <td>${b.source}</td>
              <td class="mono">${b.campaign_uuid ?? ''}</td>
              <td><button type="button" class="danger small" aria-label=${`Delete bounce of ${b.email} at ${fmtTime(b.created_at)}`} onClick=${() => remove(b)}>Delete</button></td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages of bounces">
        <button type="button" onClick=${previous} disabled=${cursors.length === 0}>Previous page</button>
        <button type="button" onClick=${next} disabled=${!page.next_cursor}>Next page</button>
      </nav>`
    }`;
}
