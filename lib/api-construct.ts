import { Fn, Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SECURITY_HEADERS } from '../lambdas/handlers/http/security-headers.js';
import type { FunctionName, Route } from '../lambdas/handlers/routes.js';
import type { ApiAuth } from './auth-construct.js';

export interface ApiThrottle {
  /** Steady requests per second for the whole stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface BounceApiProps {
  /** The route table (`ROUTES` of lambdas/handlers/routes.ts): every method comes from it, nothing else. */
  readonly routes: readonly Route[];
  /** The function serving each `fn` named in the routes. */
  readonly functions: Partial<Record<FunctionName, IFunction>>;
  readonly auth: ApiAuth;
  /**
   * Each method's throttle (API Gateway applies the stage's limits to every method on its own);
   * callers over it get a 429.
   * @default 100 requests per second, bursts of 200
   */
  readonly throttle?: ApiThrottle;
  /**
   * The provider webhooks' own throttle (`/webhooks/service/...`), kept above the default: a provider
   * does not treat a 429 as "try again later" everywhere (SNS takes any 4xx as delivered and drops
   * the message, Forward Email retries once), so the gateway must not be what refuses their
   * deliveries. SNS itself is held below it by the subscription's throttle policy
   * (SES_MAX_RECEIVES_PER_SECOND in ses-setup-construct.ts). Lambda throttling past this answers 5xx,
   * which every provider retries.
   * @default 200 requests per second, bursts of 400
   */
  readonly webhookThrottle?: ApiThrottle;
  /** @default 'v1' */
  readonly stageName?: string;
  /** Access and execution logs. @default three months */
  readonly logRetention?: RetentionDays;
}

export const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 100, burstLimit: 200 };
export const DEFAULT_WEBHOOK_THROTTLE: ApiThrottle = { rateLimit: 200, burstLimit: 400 };

/** The routes providers call (their own verification, no API user): they get the webhook throttle. */
export function isProviderWebhook(route: Route): boolean {
  return route.auth === 'public' && route.path.startsWith('/webhooks/service/');
}

const INTERNAL_ERROR = 'internal error; the request was not completed and may be retried';
/** What the console hears when its credentials are refused (it signs the person out and says so). */
const CONSOLE_REFUSAL = 'invalid API credentials';

/** `{"message": ...}` with API Gateway's own (already JSON-quoted) message. */
const GATEWAY_MESSAGE = '{"message":$context.error.messageString}';

function messageBody(text: string): string {
  return JSON.stringify({ message: text });
}

/** Errors only, and never data tracing: that would log request bodies and Authorization headers. */
const METHOD_LOGGING = {
  loggingLevel: MethodLoggingLevel.ERROR,
  dataTraceEnabled: false,
  metricsEnabled: true,
} as const;

/** No request or response bodies and no headers, so no credentials and no addresses. */
const ACCESS_LOG_FIELDS = {
  requestId: AccessLogField.contextRequestId(),
  time: AccessLogField.contextRequestTime(),
  ip: AccessLogField.contextIdentitySourceIp(),
  method: AccessLogField.contextHttpMethod(),
  resource: AccessLogField.contextResourcePath(),
  status: AccessLogField.contextStatus(),
  responseLength: AccessLogField.contextResponseLength(),
  latency: AccessLogField.contextResponseLatency(),
  integrationStatus: AccessLogField.contextIntegrationStatus(),
  integrationError: AccessLogField.contextIntegrationErrorMessage(),
  error: AccessLogField.contextErrorMessage(),
  errorType: AccessLogField.contextErrorResponseType(),
  user: AccessLogField.contextAuthorizer('user'),
  authorizerError: AccessLogField.contextAuthorizerError(),
  userArn: AccessLogField.contextIdentityUserArn(),
};

/**
 * The REST API, built from the route table so that a route added there is deployed without touching
 * this file. Errors from API Gateway itself come in the handlers' `{"message": ...}` shape.
 *
 * Body size: REST APIs cap payloads at 10 MB and offer no lower limit, so the 1 MB limit of DESIGN §4
 * is enforced by the handlers (413); a body over 10 MB gets the gateway's own 413 in our shape.
 */
export class BounceApi extends Construct {
  public readonly api: RestApi;
  public readonly accessLogs: LogGroup;
  public readonly executionLogs: LogGroup;
  public readonly methods: Method[] = [];

  constructor(scope: Construct, id: string, props: BounceApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    const webhookThrottle = props.webhookThrottle ?? DEFAULT_WEBHOOK_THROTTLE;
    const stageName = props.stageName ?? 'v1';
    const retention = props.logRetention ?? RetentionDays.THREE_MONTHS;
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });

    this.api = new RestApi(this, 'RestApi', {
      // API Gateway's metrics are keyed by this name, so two deployments in one account must not share it.
      restApiName: Names.uniqueResourceName(this, { maxLength: 128 }),
      description: 'stmails bounce service',
      endpointTypes: [EndpointType.REGIONAL],
      // API Gateway writes logs only with an account-wide CloudWatch role; kept on stack delete, as
      // other APIs in the account may rely on it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        ...METHOD_LOGGING,
        methodOptions: Object.fromEntries(
          props.routes.filter(isProviderWebhook).map((route) => [
            `${route.path}/${route.method}`,
            {
              // A method's own settings replace the stage's, so its logging is repeated here.
              ...METHOD_LOGGING,
              throttlingRateLimit: webhookThrottle.rateLimit,
              throttlingBurstLimit: webhookThrottle.burstLimit,
            },
          ]),
        ),
      },
    });
    // Its default output would duplicate the stack's ApiUrl.
    this.api.node.tryRemoveChild('Endpoint');

    // API Gateway names its execution log group itself and would create it without an expiry;
    // creating it first, before the stage, gives it a retention and ties it to the stack.
    this.executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: Fn.join('', ['API-Gateway-Execution-Logs_', this.api.restApiId, `/${stageName}`]),
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogs);

    this.addRoutes(props);
    this.addGatewayResponses(props.auth);
    this.acknowledgeNagFindings();
  }

  private addRoutes(props: BounceApiProps): void {
    const integrations = new Map<FunctionName, LambdaIntegration>();
    for (const route of props.routes) {
      const fn = props.functions[route.fn];
      if (!fn)
        throw new Error(`route ${route.method} ${route.path} names function '${route.fn}', which has none`);
      let integration = integrations.get(route.fn);
      if (!integration) {
        // No test-invoke permission: the console's test button is not worth a second grant per method.
        integration = new LambdaIntegration(fn, { allowTestInvoke: false });
        integrations.set(route.fn, integration);
      }
      const resource = this.api.root.resourceForPath(route.path);
      const method = resource.addMethod(route.method, integration, props.auth.methodOptions(route.auth));
      if (route.auth === 'public') {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public in the route table: its handler verifies the caller ` +
            "itself (a provider's signature or credentials, which cannot be SigV4) or it serves no data.",
        });
      }
      this.methods.push(method);
    }
  }

  private addGatewayResponses(auth: ApiAuth): void {
    const json = (template: string) => ({ 'application/json': template });
    // The handlers' security headers (lambdas/handlers/http/security-headers.ts) on API Gateway's own answers.
    const secure = Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([k, v]) => [k, `'${v}'`]));
    this.api.addGatewayResponse('NotFound', {
      // API Gateway's answer for a path or method it does not have. In IAM mode it is also the answer
      // to an unsigned request, which the message then has to cover.
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      templates: json(
        messageBody(auth.mode === 'iam' ? 'not found, or the request is not SigV4-signed' : 'not found'),
      ),
      responseHeaders: secure,
    });
    this.api.addGatewayResponse('Unauthorized', {
      type: ResponseType.UNAUTHORIZED,
      statusCode: '401',
      templates: json(GATEWAY_MESSAGE),
      // Lets browsers and curl --anyauth know basic auth is expected, as the handlers do.
      responseHeaders:
        auth.mode === 'basic'
          ? { ...secure, 'WWW-Authenticate': `'Basic realm="stmails", charset="UTF-8"'` }
          : secure,
    });
    // In basic mode the authorizer denies only the console's requests with refused credentials
    // (lambdas/handlers/authorizer.ts), and every other refusal is UNAUTHORIZED: their answer is the
    // 401 without a challenge, so the browser shows the console's sign-in, never its own dialog.
    this.api.addGatewayResponse('AccessDenied', {
      type: ResponseType.ACCESS_DENIED,
      statusCode: auth.mode === 'basic' ? '401' : '403',
      templates: json(auth.mode === 'basic' ? messageBody(CONSOLE_REFUSAL) : GATEWAY_MESSAGE),
      responseHeaders: secure,
    });
    this.api.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      templates: json(GATEWAY_MESSAGE),
      responseHeaders: secure,
    });
    // API Gateway's 5xx texts can name integration details; callers get the handlers' generic one.
    this.api.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      templates: json(messageBody(INTERNAL_ERROR)),
      responseHeaders: secure,
    });
  }

  private acknowledgeNagFindings(): void {
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Requests are validated by the handlers, which name the invalid field in a 400 {"message"} ' +
          '(DESIGN §4); a gateway request model would answer in its own shape and duplicate the rules.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF web ACL: every method has a throttle, API routes need an API user (authorizer) or SigV4, ' +
          "provider webhooks verify the provider's signature or credentials in the handler before storing " +
          'anything, and an ACL can be associated later without changing this stack.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'API users are authenticated by the REQUEST authorizer against the users secret (basic or ' +
          "listmonk's token auth, which existing clients send) or by IAM SigV4; there is no Cognito user pool. " +
          "The public routes verify the provider's signature or credentials in the handler, or serve no data.",
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-level logging role needs write access to log groups it names itself; " +
          'the AWS managed policy is the documented policy for exactly that role.',
      },
    );
  }
}
