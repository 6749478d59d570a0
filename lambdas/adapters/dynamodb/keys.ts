import type { Bounce } from '../../core/bounce.js';
import { emailHash } from '../../core/record-bounce.js';

/** Key builders: the only place that knows how items are addressed. */
export const keys = {
  subscriber: (email: string) => ({ pk: `SUB#${email}`, sk: 'SUB' }),
  tombstone: (email: string) => ({ pk: `TOMB#${emailHash(email)}`, sk: 'TOMB' }),
  event: (eventKey: string) => ({ pk: `EVT#${eventKey}`, sk: 'EVT' }),
  bounce: (b: Pick<Bounce, 'email' | 'created_at' | 'id'>) => ({
    pk: `SUB#${b.email}`,
    sk: `${BOUNCE_PREFIX}${b.created_at}#${b.id}`,
  }),
  settings: () => ({ pk: 'SETTINGS', sk: 'bounce' }),
  uuidLookup: (uuid: string) => `UUID#${uuid}`,
  idLookup: (id: string) => `ID#${id}`,
};

/** Bounces sort after the subscriber item (`SUB`) in its partition, by time. */
export const BOUNCE_PREFIX = 'B#';
/** Sorts after every `<iso time>#<id>` suffix. */
export const HIGH = '~';
/** The constant partition of the all-bounces index. */
export const ALL_PK = 'BOUNCE';
