import { sesProvider } from '../../core/providers/ses.js';
import { providerFunction } from './provider-function.js';

/** `POST /webhooks/service/ses`. */
export const handler = providerFunction(sesProvider);
