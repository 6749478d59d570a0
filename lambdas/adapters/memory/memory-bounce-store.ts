import { BOUNCE_TYPES, type Bounce, type BounceType, type ListedBounce } from '../../core/bounces/bounce.js';
import { claimsOwnKey } from '../../core/bounces/bounce-id.js';
import type { BounceFilters, BounceQuery } from '../../core/bounces/bounce-query.js';
import type { BouncePage, BounceStore, PutResult } from '../../core/ports.js';
import type { CursorSigner } from '../cursor-signer.js';
import { decodeCursor, encodeCursor } from './memory-cursor.js';
import type { MemoryState } from './memory-state.js';

/** The listing's sort key, as the DynamoDB indexes' `ts`: time, then id for bounces of the same instant. */
function sortKey(b: Bounce): string {
  return `${b.created_at}#${b.id}`;
}

function matches(b: Bounce, f: BounceFilters): boolean {
  return (
    (f.campaign_uuid === undefined || b.campaign_uuid === f.campaign_uuid) &&
    (f.source === undefined || b.source === f.source) &&
    (f.type === undefined || b.type === f.type) &&
    (f.email === undefined || b.email === f.email) &&
    (f.from === undefined || b.created_at >= f.from) &&
    (f.to === undefined || b.created_at <= f.to)
  );
}

/** BounceStore over process memory, with the DynamoDB store's semantics (see ports.ts). */
export class MemoryBounceStore implements BounceStore {
  constructor(
    private readonly state: MemoryState,
    private readonly cursors: CursorSigner,
  ) {}

  async put(bounce: Bounce): Promise<PutResult> {
    if (!bounce.event_key) {
      this.state.storeBounce(bounce);
      return { bounce, duplicate: false };
    }
    if (claimsOwnKey(bounce)) {
      const first = this.state.bounces.get(bounce.id) ?? this.state.deletedClaims.get(bounce.id);
      if (first) return { bounce: structuredClone(first), duplicate: true };
      this.state.storeBounce(bounce);
      return { bounce, duplicate: false };
    }
    const claim = this.state.events.get(bounce.event_key);
    if (!claim) {
      this.state.events.set(bounce.event_key, { bounce: structuredClone(bounce), deleted: false });
      this.state.storeBounce(bounce);
      return { bounce, duplicate: false };
    }
    // A redelivery completes a first delivery that claimed the key but stopped before storing.
    if (!claim.deleted) this.state.storeBounce(claim.bounce);
    return { bounce: structuredClone(claim.bounce), duplicate: true };
  }

  async restore(bounce: Bounce): Promise<void> {
    this.state.storeBounce(bounce);
  }

  async count(email: string, type: BounceType, since?: string): Promise<number> {
    let n = 0;
    for (const b of this.state.bouncesOf(email)) {
      if (b.type === type && (since === undefined || b.created_at >= since)) n++;
    }
    return n;
  }

  async countByType(email: string): Promise<Record<BounceType, number>> {
    const counts = Object.fromEntries(BOUNCE_TYPES.map((t) => [t, 0])) as Record<BounceType, number>;
    for (const b of this.state.bouncesOf(email)) counts[b.type]++;
    return counts;
  }

  async get(id: string): Promise<ListedBounce | null> {
    const bounce = this.state.bounces.get(id);
    return bounce ? this.listed(bounce) : null;
  }

  async list(query: BounceQuery): Promise<BouncePage> {
    const after = query.cursor ? await decodeCursor(this.cursors, query, query.cursor) : undefined;
    const beyond = (b: Bounce) =>
      after === undefined || (query.order === 'asc' ? sortKey(b) > after : sortKey(b) < after);
    const rest = this.sorted(query, query.order).filter(beyond);
    const page = rest.slice(0, query.per_page);
    const last = page.at(-1);
    return {
      results: page.map((b) => this.listed(b)),
      next_cursor:
        last && rest.length > page.length ? await encodeCursor(this.cursors, query, sortKey(last)) : null,
    };
  }

  async deleteByIds(ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const id of new Set(ids)) if (this.remove(id)) deleted++;
    return deleted;
  }

  async deleteMatching(filters: BounceFilters, limit: number): Promise<{ deleted: number; more: boolean }> {
    const matching = this.sorted(filters, 'asc');
    const doomed = matching.slice(0, limit);
    for (const b of doomed) this.remove(b.id);
    return { deleted: doomed.length, more: matching.length > doomed.length };
  }

  /** Removes a bounce and keeps its event key claimed, so a late redelivery does not bring it back. */
  private remove(id: string): boolean {
    const bounce = this.state.removeBounce(id);
    if (!bounce) return false;
    if (claimsOwnKey(bounce)) this.state.deletedClaims.set(bounce.id, bounce);
    else if (bounce.event_key) this.state.events.set(bounce.event_key, { bounce, deleted: true });
    return true;
  }

  private sorted(filters: BounceFilters, order: 'asc' | 'desc'): Bounce[] {
    const source = filters.email ? this.state.bouncesOf(filters.email) : this.state.bounces.values();
    const found = [...source].filter((b) => matches(b, filters));
    const sign = order === 'asc' ? 1 : -1;
    return found.sort((a, b) => (sortKey(a) < sortKey(b) ? -sign : sign));
  }

  private listed(bounce: Bounce): ListedBounce {
    const status = this.state.subscribers.get(bounce.email)?.status ?? null;
    return { ...structuredClone(bounce), subscriber_status: status };
  }
}
