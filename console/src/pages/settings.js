import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { Problem, useLoad } from '../ui.js';

const MASK = '••••••••';
/** Secrets outside the providers (whose fields say their own kind): a mailbox's and a sink's. */
const SECRET_KEYS = new Set(['password', 'client_secret', 'refresh_token', 'secret']);
const CHOICES = {
  action: ['none', 'unsubscribe', 'blocklist', 'delete'],
  tls: ['implicit', 'starttls', 'none'],
  auth_protocol: ['userpass', 'none'],
  type: ['pop'],
};
/** Hints by full name first (`enabled` means another thing inside a provider), then by key. */
const HINTS = {
  enabled: 'Bounce processing as a whole (webhooks, providers, mailboxes).',
  webhooks_enabled: 'The generic and provider webhooks.',
  window_days: '0 counts every bounce ever recorded.',
  scan_interval: 'Such as 15m or 1h30m; at least 1m.',
  uuid: 'Identifies the mailbox; keep it.',
};

function hintFor(name, key) {
  if (name in HINTS) return HINTS[name];
  return key === 'enabled' || key === 'webhooks_enabled' ? undefined : HINTS[key];
}

function newMailbox() {
  return {
    uuid: crypto.randomUUID(),
    enabled: false,
    type: 'pop',
    host: 'pop.example.com',
    port: 995,
    auth_protocol: 'userpass',
    username: '',
    password: '',
    tls: 'implicit',
    tls_skip_verify: false,
    scan_interval: '15m',
    max_per_scan: 50,
  };
}

function setAt(root, path, value) {
  const copy = structuredClone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)] = value;
  return copy;
}

function pathName(path) {
  return path.reduce((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

function fieldId(name) {
  return `s-${name.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
}

/**
 * One setting: its input, its hint and, after a refused save, the service's message beside it. A
 * provider's field passes its descriptor (`field`: kind and description from /api/settings/schema).
 */
function Input({ path, value, onChange, errors, field }) {
  const name = pathName(path);
  const key = path.at(-1);
  const id = fieldId(name);
  const error = errors[name];
  const hint = field
    ? `${field.description}${field.kind === 'string-list' ? ' One per line.' : ''}`
    : hintFor(name, key);
  const described = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ') || undefined;
  const common = { id, name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described };
  let input;
  if (typeof value === 'boolean') {
    input = html`<input type="checkbox" ...${common} checked=${value} onChange=${(e) => onChange(path, e.currentTarget.checked)} />`;
  } else if (typeof value === 'number') {
    input = html`<input type="number" ...${common} value=${value} onInput=${(e) => onChange(path, e.currentTarget.value === '' ? '' : Number(e.currentTarget.value))} />`;
  } else if (Array.isArray(value)) {
    input = html`<textarea ...${common} rows="3" onInput=${(e) =>
      onChange(
        path,
        e.currentTarget.value
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean),
      )}>${value.join('\n')}</textarea>`;
  } else if (CHOICES[key]) {
    input = html`<select ...${common} value=${value} onChange=${(e) => onChange(path, e.currentTarget.value)}>
      ${CHOICES[key].map((c) => html`<option>${c}</option>`)}</select>`;
  } else {
    const secret = field ? field.kind === 'secret' : SECRET_KEYS.has(key) || value === MASK;
    input = html`<input type=${secret ? 'password' : 'text'} autocomplete=${secret ? 'new-password' : 'off'} ...${common} value=${value ?? ''}
      placeholder=${secret && value === MASK ? 'stored: leave as is to keep it' : ''} onInput=${(e) => onChange(path, e.currentTarget.value)} />`;
  }
  const label = html`<label for=${id}>${String(key).replace(/_/g, ' ')}</label>`;
  return html`<div class=${`field ${typeof value === 'boolean' ? 'check' : ''} ${error ? 'invalid' : ''}`}>
    ${typeof value === 'boolean' ? html`<div class="row">${input}${label}</div>` : html`${label}${input}`}
    ${hint && html`<small id=${`${id}-hint`}>${hint}</small>`}
    ${error && html`<small class="field-error" id=${`${id}-error`} role="alert">${error}</small>`}
  </div>`;
}

function Group({ title, path, value, onChange, errors, children }) {
  return html`<fieldset>
    <legend>${title}</legend>
    ${Object.entries(value).map(([key, v]) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? html`<${Group} title=${key} path=${[...path, key]} value=${v} onChange=${onChange} errors=${errors} />`
        : html`<${Input} path=${[...path, key]} value=${v} onChange=${onChange} errors=${errors} />`,
    )}
    ${children}
  </fieldset>`;
}

/** A provider's fieldset, rendered from its descriptor: a provider added to the service needs no change here. */
function ProviderGroup({ provider, value, onChange, errors }) {
  const path = [provider.name];
  return html`<fieldset class="provider" data-provider=${provider.name}>
    <legend>${provider.title}</legend>
    <small>Webhook: <code>POST ${provider.path}</code></small>
    <${Input} path=${[...path, 'enabled']} value=${value?.enabled ?? false} onChange=${onChange} errors=${errors}
      field=${{ kind: 'boolean', description: `Accept ${provider.title} events (off by default).` }} />
    ${provider.settings.map(
      (field) => html`<${Input} path=${[...path, field.key]} value=${value?.[field.key] ?? field.default}
        onChange=${onChange} errors=${errors} field=${field} />`,
    )}
  </fieldset>`;
}

export function SettingsPage() {
  const [loaded, error, , reload] = useLoad(
    () =>
      Promise.all([api('GET', '/api/settings/bounce'), api('GET', '/api/settings/schema')]).then(
        ([r, schema]) => ({
          ...r.data,
          etag: r.headers.get('ETag'),
          providers: schema.data.providers,
        }),
      ),
    [],
  );
  const [draft, setDraft] = useState(null);
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [conflict, setConflict] = useState(false);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  if (error) return html`<h2>Settings</h2><${Problem} error=${error} />`;
  if (!loaded) return html`<h2>Settings</h2><p aria-busy="true">Loading…</p>`;
  const { version, managed, etag, providers, ...stored } = loaded;
  const providerNames = new Set(providers.map((p) => p.name));
  const settings = draft ?? stored;
  const change = (path, value) => setDraft(setAt(settings, path, value));

  async function save(event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setProblem(null);
    setConflict(false);
    setStatus('');
    try {
      const r = await api('PUT', '/api/settings/bounce', { body: settings, headers: { 'If-Match': etag } });
      setStatus(`Saved (version ${r.data.version}).`);
      setDraft(null);
      reload();
    } catch (e) {
      if (e.status === 409) setConflict(true);
      else if (e.status === 400) {
        const m = /^([A-Za-z0-9_.[\]-]+): (.*)$/.exec(e.message);
        if (m && document.getElementById(fieldId(m[1]))) {
          setErrors({ [m[1]]: m[2] });
          setTimeout(() => document.getElementById(fieldId(m[1]))?.focus(), 0);
        } else setProblem(e);
      } else setProblem(e);
    } finally {
      setBusy(false);
    }
  }
  function discard() {
    setDraft(null);
    setConflict(false);
    setErrors({});
    reload();
  }
  const top = Object.entries(settings).filter(([, v]) => typeof v !== 'object' || v === null);
  const groups = Object.entries(settings).filter(
    ([k, v]) => v && typeof v === 'object' && k !== 'mailboxes' && !providerNames.has(k),
  );
  return html`<h2>Settings</h2>
    <p>Version ${version}. Secrets show masked; leave a masked secret as it is to keep the stored one.</p>
    ${
      managed?.ses?.topic_arns?.length > 0 &&
      html`<p class="notice">The deployment keeps these SNS topics allowed whatever is saved: <code>${managed.ses.topic_arns.join(', ')}</code></p>`
    }
    <form class="settings" onSubmit=${save} novalidate>
      <fieldset><legend>Processing</legend>
        ${top.map(([k, v]) => html`<${Input} path=${[k]} value=${v} onChange=${change} errors=${errors} />`)}
      </fieldset>
      ${groups.map(
        ([k, v]) => html`<${Group} title=${k} path=${[k]} value=${v} onChange=${change} errors=${errors} />`,
      )}
      <h3>Providers</h3>
      ${providers.map(
        (p) =>
          html`<${ProviderGroup} provider=${p} value=${settings[p.name]} onChange=${change} errors=${errors} />`,
      )}
      <h3>Mailboxes</h3>
      ${settings.mailboxes.map(
        (
          m,
          i,
        ) => html`<${Group} title=${`Mailbox ${i + 1} (${m.host})`} path=${['mailboxes', i]} value=${m} onChange=${change} errors=${errors}>
          <button type="button" class="danger small" onClick=${() => setDraft({ ...settings, mailboxes: settings.mailboxes.filter((_, j) => j !== i) })}>Remove mailbox ${i + 1}</button>
        </${Group}>`,
      )}
      <button type="button" class="secondary" onClick=${() => setDraft({ ...settings, mailboxes: [...settings.mailboxes, newMailbox()] })}>Add mailbox</button>
      ${
        conflict &&
        html`<div class="notice" role="alert">
        <p>Someone saved the settings after you loaded them (409 conflict), so this save was refused rather than overwrite their change.
        Reload to see the current settings, then make your change again.</p>
        <button type="button" onClick=${discard}>Reload settings (discards your edits)</button>
      </div>`
      }
      <${Problem} error=${problem} />
      <p role="status" class="status">${status}</p>
      <div class="actions">
        <button type="submit" disabled=${busy}>Save settings</button>
        ${draft && html`<button type="button" class="secondary" onClick=${discard}>Discard changes</button>`}
      </div>
    </form>`;
}
