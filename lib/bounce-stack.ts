import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AuthMode } from '../lambdas/handlers/http/permission.js';
import {
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  ROUTES,
  type Route,
} from '../lambdas/handlers/routes.js';
import { type ApiThrottle, BounceApi } from './api-construct.js';
import { ApiAuth } from './auth-construct.js';
import { type DeploySettings, deploySettingsJson } from './deploy-settings.js';
import { OutboundEvents } from './events-construct.js';
import { BounceFunction } from './function-construct.js';
import { MailboxScanner } from './mailbox-scanner-construct.js';
import { Monitoring } from './monitoring-construct.js';
import { OutboundDispatcher, type OutboundNetwork } from './outbound-dispatcher-construct.js';
import { BounceSecrets } from './secrets-construct.js';
import { SesSetup, type SesSetupOptions, sesDefaults, sesFeedbackTopic } from './ses-setup-construct.js';
import { BounceTable } from './table-construct.js';

export interface BounceStackProps extends StackProps {
  /** @default 'basic' */
  readonly authMode?: AuthMode;
  /** Subscribes this address to the alarm topic. @default no topic; alarms show in CloudWatch only */
  readonly alarmEmail?: string;
  /** Non-secret settings in force until an operator first saves settings (DESIGN §5). */
  readonly defaultSettings?: DeploySettings;
  /**
   * Automates SES feedback: creates the SNS topic, subscribes the SES webhook to it, points the
   * identities' bounce and complaint notifications at it (original headers included), and turns on
   * `enabled`, `webhooks_enabled` and `ses.enabled` with that topic in the deploy-time defaults.
   */
  readonly ses?: SesSetupOptions;
  /** The route table. @default ROUTES of lambdas/handlers/routes.ts */
  readonly routes?: readonly Route[];
  readonly throttle?: ApiThrottle;
  readonly authorizerCacheTtl?: Duration;
  readonly logRetention?: RetentionDays;
  /** Places the outbound dispatcher in a VPC and lets it reach these private hosts or CIDRs. */
  readonly outboundNetwork?: OutboundNetwork;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The whole service: the units are constructs, and this stack wires them. Every grant between units
 * is made here, so what each function may do is read in one place.
 */
export class BounceStack extends Stack {
  public readonly table: BounceTable;
  public readonly secrets: BounceSecrets;
  public readonly events: OutboundEvents;
  public readonly auth: ApiAuth;
  public readonly scanner: MailboxScanner;
  public readonly ses?: SesSetup;
  /** One function per FUNCTIONS entry that serves a route. */
  public readonly functions: Partial<Record<FunctionName, BounceFunction>> = {};
  public readonly api: BounceApi;
  public readonly monitoring: Monitoring;
  public readonly outbound: OutboundDispatcher;

  constructor(scope: Construct, id: string, props: BounceStackProps = {}) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;
    const authMode = props.authMode ?? 'basic';
    const sesTopic = props.ses ? sesFeedbackTopic(this, 'SesFeedbackTopic') : undefined;
    const defaultSettings = sesTopic
      ? sesDefaults(this, props.defaultSettings, sesTopic.topicArn)
      : deploySettingsJson(props.defaultSettings);

    this.table = new BounceTable(this, 'Storage');
    this.secrets = new BounceSecrets(this, 'Secrets');
    this.events = new OutboundEvents(this, 'Events');
    this.auth = new ApiAuth(this, 'Auth', {
      mode: authMode,
      usersSecretArn: this.secrets.usersSecret.secretArn,
      cacheTtl: props.authorizerCacheTtl,
      logRetention: props.logRetention,
    });
    if (this.auth.authorizerFunction) this.secrets.grantReadUsers(this.auth.authorizerFunction.fn);

    const environment: Record<string, string> = {
      TABLE_NAME: this.table.table.tableName,
      EVENT_BUS_NAME: this.events.bus.eventBusName,
      SETTINGS_SECRET_ARN: this.secrets.settingsSecret.secretArn,
      AUTH_MODE: authMode,
      ...(defaultSettings ? { DEFAULT_SETTINGS: defaultSettings } : {}),
    };
    // The dispatcher first: every function that records bounces starts it after writing an event.
    this.outbound = new OutboundDispatcher(this, 'OutboundDispatcher', {
      environment,
      logRetention: props.logRetention,
      network: props.outboundNetwork,
    });
    this.table.grantData(this.outbound.function.fn);
    this.secrets.grantReadSettings(this.outbound.function.fn);
    environment.DISPATCHER_FUNCTION_NAME = this.outbound.function.fn.functionName;

    const served = new Set(routes.map((route) => route.fn));
    const fns: Partial<Record<FunctionName, IFunction>> = {};
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      if (!served.has(name)) continue;
      const spec: FunctionSpec = FUNCTIONS[name];
      const fn = new BounceFunction(this, `${pascal(name)}Function`, {
        entry: spec.entry,
        description: spec.description,
        logRetention: props.logRetention,
        // Provider functions also learn which registry provider they serve.
        environment: { ...environment, ...spec.environment },
      });
      // Every route function records or manages bounces, and reads settings (with their secrets).
      this.table.grantData(fn.fn);
      this.events.grantPublish(fn.fn);
      this.secrets.grantReadSettings(fn.fn);
      this.outbound.grantWake(fn.fn);
      // Derived from the route table, so the grant follows the route if it moves to another function.
      // Settings saves write the secret, and so does the first bounce listing (it stores the key
      // that seals list cursors), and a manual scan or connection test (it saves an OAuth2 refresh
      // token the token endpoint rotated).
      const writes = (route: (typeof routes)[number]) =>
        route.permission === 'settings:manage' ||
        route.permission === 'bounces:get' ||
        /^\/api\/mailboxes\/\{uuid\}\/(scan|test)$/.test(route.path);
      if (routes.some((route) => route.fn === name && writes(route))) {
        this.secrets.grantWriteSettings(fn.fn);
      }
      this.functions[name] = fn;
      fns[name] = fn.fn;
    }

    this.api = new BounceApi(this, 'Api', {
      routes,
      functions: fns,
      auth: this.auth,
      throttle: props.throttle,
      logRetention: props.logRetention,
    });

    this.scanner = new MailboxScanner(this, 'MailboxScanner', {
      environment,
      logRetention: props.logRetention,
    });
    this.table.grantData(this.scanner.function.fn);
    this.events.grantPublish(this.scanner.function.fn);
    this.outbound.grantWake(this.scanner.function.fn);
    this.secrets.grantReadSettings(this.scanner.function.fn);
    // An OAuth2 token endpoint may rotate a mailbox's refresh token: the scanner saves the new one.
    this.secrets.grantWriteSettings(this.scanner.function.fn);

    if (props.ses && sesTopic) {
      this.ses = new SesSetup(this, 'SesSetup', {
        ...props.ses,
        topic: sesTopic,
        endpoint: this.api.api.urlForPath('/webhooks/service/ses'),
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api.api,
      functions: { ...(fns as Record<string, IFunction>), mailboxScanner: this.scanner.function.fn },
      authorizer: this.auth.authorizerFunction?.fn,
      table: this.table.table,
      alarmEmail: props.alarmEmail,
    });
    if (this.monitoring.alarmTopic) {
      this.outbound.deadLetterAlarm.addAlarmAction(new SnsAction(this.monitoring.alarmTopic));
      this.outbound.deadLetterAlarm.addOkAction(new SnsAction(this.monitoring.alarmTopic));
    }

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.api.url,
      description: 'base URL of the API (stage included)',
    });
    new CfnOutput(this, 'UsersSecretArn', {
      value: this.secrets.usersSecret.secretArn,
      description: 'API users: put {"users":[{"name","token","permissions"}]} here (basic auth mode)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
  }
}
