import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTableInput } from '../../lambdas/adapters/dynamodb/table.js';
import { BounceTable, TABLE_DATA_ACTIONS } from '../../lib/table-construct.js';
import { bareStack, grant, grantsOf, logicalId, resourcesOf, statementsOfRole } from './cdk-test-app.js';

describe('BounceTable', () => {
  let template: Template;
  let tableId: string;
  let roleId: string;

  beforeAll(() => {
    const stack = bareStack();
    const unit = new BounceTable(stack, 'Storage');
    const role = new Role(stack, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    unit.grantData(role);
    template = Template.fromStack(stack);
    tableId = logicalId(unit.table);
    roleId = logicalId(role);
  });

  it('has the keys and indexes of the local and test table (createTableInput)', () => {
    const local = createTableInput('x');
    const table = resourcesOf(template, 'AWS::DynamoDB::GlobalTable')[tableId]?.Properties ?? {};
    expect(table.KeySchema).toEqual(local.KeySchema);
    const sortByName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
      String(a.AttributeName).localeCompare(String(b.AttributeName));
    expect([...(table.AttributeDefinitions as [])].sort(sortByName)).toEqual(
      [...(local.AttributeDefinitions ?? [])].sort(sortByName),
    );
    const byIndex = (a: { IndexName?: string }, b: { IndexName?: string }) =>
      String(a.IndexName).localeCompare(String(b.IndexName));
    expect([...(table.GlobalSecondaryIndexes as [])].sort(byIndex)).toEqual(
      [...(local.GlobalSecondaryIndexes ?? [])].sort(byIndex),
    );
  });

  it('is on-demand, with point-in-time recovery and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        {
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        },
      ],
    });
  });

  it('is retained when the stack is deleted or the table replaced', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('grants item reads and writes on the table and its indexes only', () => {
    const table = { 'Fn::GetAtt': [tableId, 'Arn'] };
    const indexes = { 'Fn::Join': ['', [table, '/index/*']] };
    expect(grantsOf(statementsOfRole(template, roleId))).toEqual(
      TABLE_DATA_ACTIONS.flatMap((action) => [grant(action, table), grant(action, indexes)]).sort(),
    );
  });
});
