import { Duration, Validations } from 'aws-cdk-lib';
import { AuthorizationType, LambdaIntegration, type Method, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BounceFunction } from './function-construct.js';

export const CONSOLE_ENTRY = 'lambdas/handlers/console.ts';

/**
 * Builds the console into the function's asset, beside the bundle, as `console/` (where
 * lambdas/handlers/console.ts reads it): the deployed files are built from the same sources as the
 * bundle, never a stale `console/dist`.
 */
export const CONSOLE_BUNDLING: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [
    `cd "${inputDir}" && npx --no-install tsx bin/build-console.ts "${outputDir}/console"`,
  ],
};

export interface BounceConsoleProps {
  readonly api: RestApi;
  readonly logRetention?: RetentionDays;
}

/**
 * The operator console at `/console/` (basic auth mode only: it signs in with an API user). Its
 * function serves three static files and holds no grant beyond its own logs: every call the page
 * makes goes through the API with the signed-in user's credentials, so it can do nothing the API
 * would not let that user do.
 */
export class BounceConsole extends Construct {
  public readonly function: BounceFunction;
  public readonly methods: Method[];

  constructor(scope: Construct, id: string, props: BounceConsoleProps) {
    super(scope, id);
    this.function = new BounceFunction(this, 'Function', {
      entry: CONSOLE_ENTRY,
      description: 'operator console (static files)',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
      commandHooks: CONSOLE_BUNDLING,
    });
    const integration = new LambdaIntegration(this.function.fn, { allowTestInvoke: false });
    const page = props.api.root.addResource('console');
    const options = { authorizationType: AuthorizationType.NONE };
    this.methods = [
      page.addMethod('GET', integration, options),
      page.addResource('{file}').addMethod('GET', integration, options),
    ];
    for (const method of this.methods) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          "The console's static files hold no data and no secret; the page signs in with an API user " +
          'and every call it makes goes through the authorized API.',
      });
    }
  }
}
