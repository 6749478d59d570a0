import {
  DeleteSuppressedDestinationCommand,
  PutSuppressedDestinationCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { SendError, type SuppressionList } from '../../core/outbound/ports.js';

const FINAL = new Set(['BadRequestException', 'AccessDeniedException']);

function asSendError(error: unknown): SendError {
  const name = (error as { name?: string } | null)?.name ?? 'error';
  return new SendError(`${name}`, !FINAL.has(name));
}

/** The SES v2 account-level suppression list; the function may call only these two actions. */
export class SesSuppressionList implements SuppressionList {
  constructor(private readonly client: SESv2Client) {}

  async put(email: string, reason: 'BOUNCE' | 'COMPLAINT'): Promise<void> {
    try {
      await this.client.send(new PutSuppressedDestinationCommand({ EmailAddress: email, Reason: reason }));
    } catch (error) {
      throw asSendError(error);
    }
  }

  async remove(email: string): Promise<void> {
    try {
      await this.client.send(new DeleteSuppressedDestinationCommand({ EmailAddress: email }));
    } catch (error) {
      if ((error as { name?: string } | null)?.name === 'NotFoundException') return;
      throw asSendError(error);
    }
  }
}
