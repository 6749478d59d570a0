import type { AuthMode } from './http/permission.js';

/** `process.env`, or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What the stack gives every route function and the mailbox scanner (lib/bounce-stack.ts). */
export interface FunctionEnvironment {
  tableName: string;
  eventBusName: string;
  settingsSecretArn: string;
  authMode: AuthMode;
  /** DEFAULT_SETTINGS parsed; undefined when the stack set none. */
  deployDefaults: unknown;
}

/** What the stack gives the REQUEST authorizer (lib/auth-construct.ts). */
export interface AuthorizerEnvironment {
  usersSecretArn: string;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/;
/** DynamoDB's own rule for table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** EventBridge's rule for bus names (a name, not an ARN: the stack passes the name). */
const BUS_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;

/**
 * Reads the variables one by one and collects every problem, so one failed cold start names all
 * of them at once.
 */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  required(name: string, pattern: RegExp, shape: string): string {
    const value = this.env[name]?.trim();
    if (!value) {
      this.problems.push(`${name} is not set`);
      return '';
    }
    if (!pattern.test(value)) this.problems.push(`${name} must be ${shape}`);
    return value;
  }

  authMode(name: string): AuthMode {
    const value = this.env[name];
    if (value === 'basic' || value === 'iam') return value;
    this.problems.push(
      value === undefined
        ? `${name} is not set`
        : `${name} must be 'basic' or 'iam', not ${JSON.stringify(value)}`,
    );
    return 'basic';
  }

  optionalJson(name: string): unknown {
    const value = this.env[name];
    if (value === undefined || value === '') return undefined;
    try {
      return JSON.parse(value);
    } catch {
      this.problems.push(`${name} is not JSON`);
      return undefined;
    }
  }

  done<T>(value: T): T {
    if (this.problems.length > 0) {
      throw new Error(`function environment is not usable: ${this.problems.join('; ')}`);
    }
    return value;
  }
}

/**
 * Checks the route functions' and the scanner's environment once, when the container starts: a
 * missing secret ARN or a misspelt auth mode fails the cold start, naming the variable, instead of
 * running with settings kept in memory (lost with the container) or with the wrong auth mode.
 */
export function functionEnvironment(env: Env): FunctionEnvironment {
  const read = new EnvReader(env);
  return read.done({
    tableName: read.required('TABLE_NAME', TABLE_NAME, 'a DynamoDB table name'),
    eventBusName: read.required('EVENT_BUS_NAME', BUS_NAME, 'an EventBridge bus name'),
    settingsSecretArn: read.required('SETTINGS_SECRET_ARN', SECRET_ARN, 'a Secrets Manager secret ARN'),
    authMode: read.authMode('AUTH_MODE'),
    deployDefaults: read.optionalJson('DEFAULT_SETTINGS'),
  });
}

/** The authorizer's environment: without the users secret nobody could ever sign in. */
export function authorizerEnvironment(env: Env): AuthorizerEnvironment {
  const read = new EnvReader(env);
  return read.done({
    usersSecretArn: read.required('USERS_SECRET_ARN', SECRET_ARN, 'a Secrets Manager secret ARN'),
  });
}
