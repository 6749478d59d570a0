import { postmarkProvider } from '../../core/providers/postmark.js';
import { providerFunction } from './provider-function.js';

/** `POST /webhooks/service/postmark`. */
export const handler = providerFunction(postmarkProvider);
