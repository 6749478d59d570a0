import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { html } from './html.js';

/** What a failed call says on the page: a missing permission is named, never a broken screen. */
export function Problem({ error }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 403) {
    return html`<p class="notice" role="alert">
      Your API user lacks the permission <code>${error.permission ?? '?'}</code> this needs. Ask an
      administrator to grant it (<code>npm run users</code> locally, the users secret when deployed).
    </p>`;
  }
  return html`<p class="error" role="alert">${error.message}</p>`;
}

/** Loads once per change of `deps`; answers [value, error, loading, reload]. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ value: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => live && setState({ value, error: null, loading: false }),
      (error) => live && setState({ value: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [state.value, state.error, state.loading, () => setTick((t) => t + 1)];
}

export function fmtTime(iso) {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}
