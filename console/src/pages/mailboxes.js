import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { Problem, useLoad } from '../ui.js';

const REPORT_FIELDS = [
  ['on_server', 'on the server'],
  ['fetched', 'fetched'],
  ['recorded', 'bounces recorded'],
  ['complaints', 'complaints'],
  ['duplicates', 'duplicates'],
  ['ignored', 'ignored (auto-replies, notices)'],
  ['deleted', 'deleted from the server'],
  ['left', 'left on the server'],
  ['unattributed', 'unattributed'],
  ['stuck', 'stuck'],
  ['failed', 'failed'],
];

function Report({ report }) {
  if (report.locked)
    return html`<p class="notice">Another scan holds this mailbox right now; try again shortly.</p>`;
  return html`<dl class="report">
    ${REPORT_FIELDS.map(([k, label]) => html`<dt>${label}</dt><dd>${report[k]}</dd>`)}
    ${report.stopped_early && html`<dt>stopped early</dt><dd>yes: the time ran out; the next scan goes on</dd>`}
  </dl>`;
}

function Stuck({ uuid }) {
  const [list, error, loading, reload] = useLoad(
    () => api('GET', `/api/mailboxes/${uuid}/stuck`).then((r) => r.data.results),
    [uuid],
  );
  const [problem, setProblem] = useState(null);
  async function release(uid) {
    if (
      !confirm(
        uid ? `Release message ${uid} for another try?` : 'Release every stuck message for another try?',
      )
    )
      return;
    try {
      await api('POST', `/api/mailboxes/${uuid}/stuck/release`, { query: uid ? { uid } : {} });
      reload();
    } catch (e) {
      setProblem(e);
    }
  }
  if (error) return html`<${Problem} error=${error} />`;
  if (loading && !list) return html`<p aria-busy="true">Loading stuck messages…</p>`;
  return html`<div class="stuck">
    <h4>Stuck messages</h4>
    ${
      list.length === 0
        ? html`<p>None.</p>`
        : html`<ul>${list.map(
            (m) => html`<li><code>${m.uid}</code>: ${m.attempts} attempts${m.note ? `, ${m.note}` : ''}
            <button type="button" class="small" onClick=${() => release(m.uid)}>Release</button></li>`,
          )}</ul>
        <button type="button" class="secondary" onClick=${() => release()}>Release all</button>`
    }
    <${Problem} error=${problem} />
  </div>`;
}

function Mailbox({ mailbox }) {
  const [test, setTest] = useState(null);
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState('');
  async function run(kind) {
    setBusy(kind);
    setError(null);
    try {
      const r = await api('POST', `/api/mailboxes/${mailbox.uuid}/${kind}`);
      if (kind === 'test') setTest(r.data);
      else setReport(r.data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  }
  const label = `${mailbox.username || '(no user)'}@${mailbox.host}:${mailbox.port}`;
  return html`<article class="mailbox">
    <h3>${label}</h3>
    <p>${mailbox.enabled ? 'Scanned' : 'Not scanned on schedule'} every ${mailbox.scan_interval}, TLS ${mailbox.tls}, up to ${mailbox.max_per_scan} per scan.</p>
    <div class="actions">
      <button type="button" onClick=${() => run('test')} disabled=${!!busy} aria-label=${`Test connection to ${label}`}>${busy === 'test' ? 'Testing…' : 'Test connection'}</button>
      <button type="button" class="secondary" onClick=${() => run('scan')} disabled=${!!busy} aria-label=${`Scan ${label} now`}>${busy === 'scan' ? 'Scanning…' : 'Scan now'}</button>
    </div>
    <div role="status" class="status">
      ${
        test &&
        (test.ok
          ? html`<p class="ok">Connection works: ${test.message}</p>`
          : html`<p class="error">Failed at <strong>${test.stage}</strong>: ${test.message}</p>`)
      }
    </div>
    <${Problem} error=${error} />
    ${report && html`<h4>Scan report</h4><${Report} report=${report} />`}
    <${Stuck} uuid=${mailbox.uuid} />
  </article>`;
}

export function MailboxesPage() {
  const [mailboxes, error] = useLoad(
    () => api('GET', '/api/settings/bounce').then((r) => r.data.mailboxes),
    [],
  );
  return html`<h2>Mailboxes</h2>
    <${Problem} error=${error} />
    ${mailboxes && mailboxes.length === 0 && html`<p>No bounce mailboxes. Add one on the <a href="#/settings">settings</a> page.</p>`}
    ${mailboxes?.map((m) => html`<${Mailbox} key=${m.uuid} mailbox=${m} />`)}`;
}
