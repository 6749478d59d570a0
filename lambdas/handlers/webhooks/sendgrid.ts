import { sendgridProvider } from '../../core/providers/sendgrid.js';
import { providerFunction } from './provider-function.js';

/** `POST /webhooks/service/sendgrid`. */
export const handler = providerFunction(sendgridProvider);
