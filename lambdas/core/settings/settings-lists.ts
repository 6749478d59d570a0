import { ValidationError } from '../errors.js';
import { withMailboxDefaults } from '../mailbox/mailbox-defaults.js';
import { isUuid, normaliseUuid } from '../uuid.js';
import { isMaskedOrBlank } from './masked.js';
import type { BounceSettings } from './settings.js';

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
  /** A new item: the fields the caller gave, every other one filled in with its default. */
  create(given: Record<string, unknown>, uuid: string): Item;
  /**
   * The item's secret fields, as dotted paths inside the item (`password`, `oauth2.refresh_token`):
   * masked on read, kept when sent back blank or masked.
   */
  secrets: readonly string[];
  /** Whether this item needs that secret (a mailbox without authentication has no password). */
  needsSecret(item: Item, field: string): boolean;
}

/** Which secrets a mailbox signs in with: a password, or the OAuth2 grant's secrets by provider. */
function mailboxNeeds(item: Item, field: string): boolean {
  if (field === 'password') return item.auth_protocol === 'userpass';
  if (item.auth_protocol !== 'oauth2') return false;
  const provider = (item.oauth2 as { provider?: unknown } | undefined)?.provider;
  // Microsoft: client-credentials grant; Google: refresh token and client secret; generic: a refresh
  // token, the client secret only if its endpoint wants one.
  if (field === 'oauth2.client_secret') return provider === 'microsoft' || provider === 'google';
  if (field === 'oauth2.refresh_token') return provider === 'google' || provider === 'generic';
  return false;
}

export const SETTINGS_LISTS: readonly SettingsList[] = [
  {
    path: ['mailboxes'],
    noun: 'mailbox',
    // listmonk's defaults, INBOX, delete after processing, and the port that follows type and TLS.
    create: (given, uuid) => withMailboxDefaults(given, uuid) as unknown as Item,
    secrets: ['password', 'oauth2.client_secret', 'oauth2.refresh_token'],
    needsSecret: mailboxNeeds,
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

/** A secret of an item by its dotted path (`oauth2.refresh_token`); undefined where the path is absent. */
export function secretAt(item: unknown, secret: string): unknown {
  return at(item, secret.split('.'));
}

/** Sets a secret by its dotted path, where the object that holds it exists; elsewhere nothing. */
export function setSecretAt(item: unknown, secret: string, value: unknown): void {
  const path = secret.split('.');
  const parent = at(item, path.slice(0, -1));
  if (isObject(parent)) parent[path[path.length - 1] as string] = value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
    const item = list.create(given, uuid);
    for (const field of list.secrets) {
      if (list.needsSecret(item, field) && isMaskedOrBlank(secretAt(given, field))) {
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
  // A nested object (a mailbox's oauth2) keeps the fields it is not sent with, like the item itself.
  for (const [key, value] of Object.entries(given)) {
    if (isObject(value) && isObject(stored[key])) item[key] = { ...stored[key], ...value };
  }
  for (const field of list.secrets) {
    if (isMaskedOrBlank(secretAt(given, field))) setSecretAt(item, field, secretAt(stored, field));
  }
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
