import type { BounceType, SubscriberStatus } from './bounce.js';
import type { Action } from './settings.js';

export type ListStatus = 'confirmed' | 'unconfirmed' | 'unsubscribed';

/** The last time a type's action fired, so it fires once per threshold crossing (DESIGN §3). */
export interface FiredAction {
  action: Action;
  at: string;
  bounce_id: string;
  /** False until the outbound event went out; a retry of the same bounce sends it then. */
  emitted: boolean;
}

export interface ActionHistoryEntry {
  action: Action;
  type: BounceType;
  bounce_id: string;
  /** Bounces of the type in the window when it fired. */
  count: number;
  at: string;
}

/** The recipient record, keyed by normalised email. */
export interface Subscriber {
  email: string;
  uuid?: string;
  name?: string;
  status: SubscriberStatus;
  lists: Record<string, ListStatus>;
  fired: Partial<Record<BounceType, FiredAction>>;
  history: ActionHistoryEntry[];
  created_at: string;
  updated_at: string;
}

export function bareSubscriber(email: string, uuid: string | undefined, at: string): Subscriber {
  return {
    email,
    ...(uuid ? { uuid } : {}),
    status: 'enabled',
    lists: {},
    fired: {},
    history: [],
    created_at: at,
    updated_at: at,
  };
}
