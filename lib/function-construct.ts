import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { cdkBundling, REPO_ROOT } from './bundling.js';

export interface BounceFunctionProps {
  /** Handler module, relative to the repository root (as in `FUNCTIONS` of routes.ts). */
  readonly entry: string;
  readonly description: string;
  /** Names and ARNs only: environment variables are visible to anyone who can read the function. */
  readonly environment?: Record<string, string>;
  /** @default 512: a bundled SDK parses faster with the CPU share that comes with more memory */
  readonly memorySize?: number;
  /** @default 10 seconds; API Gateway gives up after 29 */
  readonly timeout?: Duration;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** Places the function in a VPC (the outbound dispatcher's private-network option). */
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  /** Commands run around the bundling (the console function adds its built files this way). */
  readonly commandHooks?: ICommandHooks;
}

/**
 * Every Lambda of the stack: one place for runtime, architecture, bundling and logging. Each function
 * has its own role whose only built-in grant is writing to its own log group (the managed
 * AWSLambdaBasicExecutionRole would allow any log group); callers add what the function uses.
 */
export class BounceFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BounceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Operational logs go with the stack; the bounce history itself is in the retained table.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `stmails ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      bundling: { ...cdkBundling(), ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}) },
      ...(props.vpc
        ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups }
        : {}),
      environment: {
        ...props.environment,
        // The bundled SDK's end-of-support notice for Node < 22: noise should the runtime ever be pinned
        // lower (local runs on Node 20 set it too).
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // Stack traces in the logs point at the TypeScript sources, through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  }
}
