import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, clearCredentials, credentials, saveCredentials, whenSignedOut } from './api.js';
import { html } from './html.js';
import { BouncesPage } from './pages/bounces.js';
import { MailboxesPage } from './pages/mailboxes.js';
import { OutboundPage } from './pages/outbound.js';
import { OverviewPage } from './pages/overview.js';
import { SettingsPage } from './pages/settings.js';
import { SubscriberPage } from './pages/subscriber.js';
import './app.css';

const PAGES = [
  ['overview', 'Overview', OverviewPage],
  ['bounces', 'Bounces', BouncesPage],
  ['subscriber', 'Subscriber', SubscriberPage],
  ['settings', 'Settings', SettingsPage],
  ['mailboxes', 'Mailboxes', MailboxesPage],
  ['outbound', 'Outbound', OutboundPage],
];

function currentRoute() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const page = PAGES.find(([n]) => n === name) ?? PAGES[0];
  return { page, arg: decodeURIComponent(rest.join('/')) };
}

function SignIn({ onSignedIn, reason }) {
  const [error, setError] = useState(reason ?? '');
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const creds = { user: String(form.get('user')).trim(), token: String(form.get('token')) };
    setBusy(true);
    setError('');
    try {
      // Any API route proves the credentials; a 403 still means they are right.
      await api('GET', '/api/stats', { creds, query: { from: new Date().toISOString().slice(0, 10) } });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 403) {
        setBusy(false);
        setError(e.status === 401 ? 'Wrong user or token.' : e.message);
        return;
      }
    }
    saveCredentials(creds.user, creds.token);
    onSignedIn();
  }
  return html`<main class="signin">
    <h1>stmails bounces</h1>
    <form onSubmit=${submit} aria-describedby="signin-help">
      <p id="signin-help">Sign in with an API user and its token. They stay in this tab only.</p>
      <label for="user">API user</label>
      <input id="user" name="user" autocomplete="username" required />
      <label for="token">Token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" disabled=${busy}>Sign in</button>
    </form>
  </main>`;
}

function App() {
  const [signedIn, setSignedIn] = useState(!!credentials());
  const [reason, setReason] = useState('');
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    addEventListener('hashchange', onHash);
    whenSignedOut(() => {
      clearCredentials();
      setReason('Your session was refused (the token may have been revoked). Sign in again.');
      setSignedIn(false);
    });
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (!signedIn) return html`<${SignIn} reason=${reason} onSignedIn=${() => setSignedIn(true)} />`;
  const [name, , Page] = route.page;
  const signOut = () => {
    clearCredentials();
    setReason('');
    setSignedIn(false);
  };
  return html`<header>
      <nav aria-label="Pages">
        ${PAGES.map(
          ([n, label]) =>
            html`<a href=${`#/${n}`} aria-current=${n === name ? 'page' : undefined}>${label}</a>`,
        )}
        <span class="who">${credentials()?.user}</span>
        <button type="button" class="signout" onClick=${signOut}>Sign out</button>
      </nav>
    </header>
    <main id="page">
      <${Page} key=${name} arg=${route.arg} />
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
