import { EventBus } from 'aws-cdk-lib/aws-events';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The outbound events bus: subscriber actions (blocklisted, unsubscribed, deleted) are published here
 * with source `stmails.bounce`, for the mailing-list side to subscribe to with its own rules.
 */
export class OutboundEvents extends Construct {
  public readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'stmails bounce: subscriber actions' });
  }

  /** events:PutEvents on this bus only. */
  grantPublish(grantee: IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
  }
}
