import { type CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { INDEX, SORTED_INDEXES } from '../lambdas/adapters/dynamodb/table.js';

/**
 * Exactly the DynamoDB actions the functions' code sends (GetCommand, QueryCommand, ...); no Scan:
 * listing goes through the indexes. bounce-stack.test.ts checks this list against the commands
 * imported in lambdas/, both ways, so a new command fails the test rather than meeting AccessDenied.
 */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * The single table (README "Data model"): keys and indexes come from the same declaration the local
 * service and the tests build their table from, so the deployed and the tested schema cannot drift.
 */
export class BounceTable extends Construct {
  public readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The bounce history is the product: neither a stack delete nor a mistaken console click may
      // drop it. Deleting it on purpose takes two steps (README "Teardown").
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        { indexName: INDEX.lookup.name, partitionKey: { name: INDEX.lookup.pk, type: AttributeType.STRING } },
        ...SORTED_INDEXES.map((index) => ({
          indexName: index.name,
          partitionKey: { name: index.pk, type: AttributeType.STRING },
          sortKey: { name: index.sk, type: AttributeType.STRING },
        })),
      ],
    });
  }

  /** Item reads and writes on the table and its indexes; nothing else (no Scan, no table admin). */
  grantData(grantee: IGrantable): void {
    this.table.grant(grantee, ...TABLE_DATA_ACTIONS);
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    const tableId = Stack.of(this).getLogicalId(this.table.node.defaultChild as CfnElement);
    const indexes = Object.values(INDEX).map((index) => index.name);
    Validations.of(principal).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason:
        `Queries go through the indexes of this one table (${indexes.join(', ')}); ` +
        'the wildcard spans only those indexes, and new ones are added with the code that queries them.',
    });
  }
}
