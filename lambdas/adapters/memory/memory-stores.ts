import { CursorSigner } from '../cursor-signer.js';
import { MemorySecretStore } from '../memory-secret-store.js';
import { MemoryBounceStore } from './memory-bounce-store.js';
import { MemoryState } from './memory-state.js';
import { MemorySubscriberStore } from './memory-subscriber-store.js';

/** Both stores over one shared state, as the DynamoDB stores share one table. */
export function createMemoryStores(
  state = new MemoryState(),
  cursors = new CursorSigner(new MemorySecretStore()),
) {
  return {
    state,
    subscribers: new MemorySubscriberStore(state),
    bounces: new MemoryBounceStore(state, cursors),
  };
}
