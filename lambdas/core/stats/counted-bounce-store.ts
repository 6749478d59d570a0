import type { Bounce } from '../bounces/bounce.js';
import type { BounceFilters } from '../bounces/bounce-query.js';
import type { BounceStore } from '../ports.js';
import type { StatsStore } from './ports.js';

/** Lookups a delete by ids makes at once. */
const PARALLEL_LOOKUPS = 16;

/**
 * A bounce store whose deletes also uncount what they removed. It learns what a delete removes
 * before deleting: by id, or by listing the page a filtered delete takes (the same oldest-first page
 * the store itself would take). Recording is counted by `recordBounce`, not here.
 */
export function countedBounceStore(store: BounceStore, stats: StatsStore): BounceStore {
  return {
    put: (bounce) => store.put(bounce),
    restore: (bounce) => store.restore(bounce),
    count: (email, type, since) => store.count(email, type, since),
    countByType: (email) => store.countByType(email),
    get: (id) => store.get(id),
    list: (query) => store.list(query),

    async deleteByIds(ids) {
      const unique = [...new Set(ids)];
      const found: Bounce[] = [];
      for (let i = 0; i < unique.length; i += PARALLEL_LOOKUPS) {
        const batch = await Promise.all(unique.slice(i, i + PARALLEL_LOOKUPS).map((id) => store.get(id)));
        for (const b of batch) if (b) found.push(b);
      }
      const deleted = await store.deleteByIds(found.map((b) => b.id));
      await stats.decrement(found);
      return deleted;
    },

    async deleteMatching(filters: BounceFilters, limit: number) {
      const page = await store.list({ ...filters, order: 'asc', per_page: limit });
      if (page.results.length === 0) return { deleted: 0, more: false };
      const deleted = await store.deleteByIds(page.results.map((b) => b.id));
      await stats.decrement(page.results);
      return { deleted, more: page.next_cursor !== null };
    },
  };
}
