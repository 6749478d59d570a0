import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../../lib/bundling.js';

/** The feature flags and defaults of cdk.json, so tests see the template `cdk synth` writes. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'),
).context;

export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' };

/**
 * An App that skips bundling: the code assets are placeholders, which is all a template assertion
 * needs (one test in function-construct.test.ts bundles for real). CDK's built-in CloudFormation
 * check is off too: it changes no template, `npm run synth` runs it, and its WebAssembly engine
 * takes 4-5 s to load in every test worker.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
}

/** A bare stack for testing one construct on its own. */
export function bareStack(app: App = testApp()): Stack {
  return new Stack(app, 'Test', { env: TEST_ENV });
}

/** A function with inline code, standing in for a bundled one where only its ARN matters. */
export function stubFunction(scope: Construct, id: string): LambdaFunction {
  return new LambdaFunction(scope, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => ({ statusCode: 200 });'),
  });
}

export function logicalId(construct: Construct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>
>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of the inline policies attached to a role, by the role's logical ID. */
export function statementsOfRole(template: Template, roleId: string): PolicyStatement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

/** `METHOD /path AUTH` for every API Gateway method, the path rebuilt from the resource tree. */
export function methodsOf(template: Template): string[] {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? resources[id] : undefined;
    if (!resource) return ''; // the API's root resource
    const props = resource.Properties as { ParentId: unknown; PathPart: string };
    return `${pathOf(props.ParentId)}/${props.PathPart}`;
  };
  return Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))
    .map((method) => {
      const props = method.Properties as {
        HttpMethod: string;
        ResourceId: unknown;
        AuthorizationType: string;
      };
      return `${props.HttpMethod} ${pathOf(props.ResourceId) || '/'} ${props.AuthorizationType}`;
    })
    .sort();
}

/**
 * Each statement as `action -> resource` pairs, sorted: the same grants compare equal whether or not
 * CDK's minimizePolicies merged them into fewer statements.
 */
export function grantsOf(statements: PolicyStatement[]): string[] {
  return statements
    .flatMap((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return actions.flatMap((a) => resources.map((r) => `${s.Effect} ${a} -> ${JSON.stringify(r)}`));
    })
    .sort();
}

/** The pair `grantsOf` lists for one action on one resource. */
export function grant(action: string, resource: unknown): string {
  return `Allow ${action} -> ${JSON.stringify(resource)}`;
}

/** `@aws-sdk/<package>` → IAM service prefix, for the clients the functions use. */
const IAM_PREFIX: Record<string, string> = {
  'lib-dynamodb': 'dynamodb',
  'client-dynamodb': 'dynamodb',
  'client-eventbridge': 'events',
  'client-secrets-manager': 'secretsmanager',
  'client-sns': 'sns',
  'client-sesv2': 'ses',
  'client-lambda': 'lambda',
};

/** Commands whose IAM action is not `prefix:<command>`. */
const RENAMED_ACTIONS: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

/** DocumentClient commands are named after the operation without its `Item` suffix. */
const DOCUMENT_CLIENT_ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The IAM action of every AWS SDK command imported under `dir` (e.g. `dynamodb:GetItem`). */
export function sdkActionsUsedIn(dir: string): string[] {
  const used = new Set<string>();
  const imports = /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z-]+)'/g;
  for (const file of sourceFiles(dir)) {
    for (const [, names = '', pkg = ''] of readFileSync(file, 'utf8').matchAll(imports)) {
      for (const name of names.split(',').map((n) => n.replace(/^type\s+/, '').trim())) {
        const command = /^([A-Za-z]+)Command$/.exec(name)?.[1];
        if (!command) continue;
        const operation = pkg === 'lib-dynamodb' ? (DOCUMENT_CLIENT_ACTIONS[command] ?? command) : command;
        const action = `${IAM_PREFIX[pkg] ?? `unknown(${pkg})`}:${operation}`;
        used.add(RENAMED_ACTIONS[action] ?? action);
      }
    }
  }
  return [...used].sort();
}
