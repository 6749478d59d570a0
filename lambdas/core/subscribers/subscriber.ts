import type { BounceType, SubscriberStatus } from '../bounces/bounce.js';
import type { Action } from '../settings/settings.js';

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

/** A person undid the actions (`POST /api/subscribers/{uuid-or-email}/reenable`). */
export interface ReenabledEntry {
  action: 'reenabled';
  at: string;
  /** The API user who did it. */
  by?: string;
}

export type HistoryEntry = ActionHistoryEntry | ReenabledEntry;

/** The recipient record, keyed by normalised email. */
export interface Subscriber {
  email: string;
  uuid?: string;
  name?: string;
  status: SubscriberStatus;
  lists: Record<string, ListStatus>;
  fired: Partial<Record<BounceType, FiredAction>>;
  /**
   * When the actions were last re-armed (re-enabled): bounces before it no longer count toward a
   * threshold, so an action fires again only when `count` new bounces arrive.
   */
  rearmed_at?: string;
  history: HistoryEntry[];
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
