import { forwardemailProvider } from '../../core/providers/forwardemail.js';
import { providerFunction } from './provider-function.js';

/** `POST /webhooks/service/forwardemail`. */
export const handler = providerFunction(forwardemailProvider);
