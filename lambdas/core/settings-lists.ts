import { ValidationError } from './errors.js';
import { isMaskedOrBlank } from './masked.js';
import type { BounceSettings, MailboxSettings } from './settings.js';
import { isUuid, normaliseUuid } from './uuid.js';

type Item = { uuid: string } & Record<string, unknown>;

/**
 * A list of items in the settings (`mailboxes[]`, later `outbound.webhooks[]`): saved as a whole,
 * items matched by uuid, with secrets per item. One description per list; the save rules below and
 * the secret handling in settings-secrets.ts follow from it.
 */
export interface SettingsList {
  /** Where the list sits in the settings document. */
  path: readonly string[];
  /** What one item is called in messages. */
  noun: string;
  /** Every field of a new item, before the caller's. */
  defaults(uuid: string): Item;
  /** The item's secret fields: masked on read, kept when sent back blank or masked. */
  secrets: readonly string[];
  /** Whether this item needs that secret (a mailbox without authentication has no password). */
  needsSecret(item: Item, field: string): boolean;
}

/** listmonk's mailbox defaults, for mailboxes added with only some fields. */
export function defaultMailbox(uuid: string): MailboxSettings {
  return {
    uuid,
    enabled: false,
    type: 'pop',
    host: '',
    port: 995,
    auth_protocol: 'userpass',
    username: '',
    password: '',
    tls: 'implicit',
    tls_skip_verify: false,
    scan_interval: '15m',
    max_per_scan: 100,
  };
}

export const SETTINGS_LISTS: readonly SettingsList[] = [
  {
    path: ['mailboxes'],
    noun: 'mailbox',
    defaults: (uuid) => defaultMailbox(uuid) as unknown as Item,
    secrets: ['password'],
    needsSecret: (item) => item.auth_protocol !== 'none',
  },
];

/** The list's name in messages and secret keys: `mailboxes`, `outbound.webhooks`. */
export function listName(list: SettingsList): string {
  return list.path.join('.');
}

function at(doc: unknown, path: readonly string[]): unknown {
  let node = doc;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The items of a list in (valid) settings; empty when the list is absent. */
export function listItems(settings: BounceSettings, list: SettingsList): Item[] {
  const items = at(settings, list.path);
  return Array.isArray(items) ? (items as Item[]) : [];
}

function setAt(doc: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = doc;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1] as string] = value;
}

function mergeItem(
  list: SettingsList,
  raw: unknown,
  where: string,
  saved: Map<string, Item>,
  newUuid: () => string,
): Item {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ValidationError(where, `must be an object (a ${list.noun})`);
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const rawUuid = given.uuid;
  if (rawUuid === undefined || rawUuid === null || rawUuid === '') {
    const uuid = newUuid();
    const item = { ...list.defaults(uuid), ...given, uuid } as Item;
    for (const field of list.secrets) {
      if (list.needsSecret(item, field) && isMaskedOrBlank(given[field])) {
        throw new ValidationError(
          `${where}.${field}`,
          `is required: an item without uuid is a new ${list.noun}, with no stored secret to keep`,
        );
      }
    }
    return item;
  }
  const uuid = typeof rawUuid === 'string' && isUuid(rawUuid) ? normaliseUuid(rawUuid) : undefined;
  const stored = uuid === undefined ? undefined : saved.get(uuid);
  if (!stored || uuid === undefined) {
    throw new ValidationError(
      `${where}.uuid`,
      `matches no saved ${list.noun}; leave uuid out to add a new one (the service assigns it)`,
    );
  }
  const item = { ...stored, ...given, uuid } as Item;
  for (const field of list.secrets) if (isMaskedOrBlank(given[field])) item[field] = stored[field];
  return item;
}

/**
 * Applies the list rules to a settings change, in place, against the current settings (secrets
 * included): a list given in the change replaces the saved one; items match by uuid (a matched item
 * keeps the fields and secrets it is not sent with; a blank or masked secret keeps the stored one); an
 * item without uuid is new, gets one, and must bring its secrets; a uuid that matches no saved item
 * is a 400; an item left out is removed (its secrets go with it when the settings are split).
 */
export function applyListRules(
  current: BounceSettings,
  change: Record<string, unknown>,
  newUuid: () => string,
): void {
  for (const list of SETTINGS_LISTS) {
    const given = at(change, list.path);
    if (!Array.isArray(given)) continue;
    const saved = new Map(listItems(current, list).map((item) => [item.uuid, item]));
    const name = listName(list);
    const merged = given.map((raw, i) => mergeItem(list, raw, `${name}[${i}]`, saved, newUuid));
    setAt(change, list.path, merged);
  }
}
