import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TEST_CERT, TEST_KEY, TEST_PASSWORD, TEST_USER } from './fake-pop3-server.js';

const INSTALL_HINT =
  "install Debian's dovecot-pop3d and dovecot-imapd (apt-get install -y --no-install-recommends dovecot-pop3d dovecot-imapd), as .ci/run does";

/** The dovecot binary, or an error saying what to install: the integration tests fail, never skip. */
export function dovecotBinary(
  dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'],
): string {
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, 'dovecot');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(
    `dovecot is not installed: the POP3 integration tests need a real dovecot; ${INSTALL_HINT}`,
  );
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True once the port accepts; with `greeting`, once it also greets like a POP3 or IMAP server. */
function answers(port: number, greeting: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => greeting || done(true));
    socket.once('data', (chunk) => done(/^(\+OK|\* OK)/.test(chunk.toString())));
    socket.once('error', () => done(false));
  });
}

export interface DovecotOptions {
  /**
   * Sign-in with OAuth2 bearer tokens (passdb driver oauth2), checked against a token introspection
   * endpoint (`POST token=...`, answering `{"active": true, "username": "<login>"}`), with the SASL
   * mechanisms offered. Password sign-in stays available beside it.
   */
  oauth2?: { introspectionUrl: string; mechanisms: Array<'xoauth2' | 'oauthbearer'> };
  /** Replaces the IMAP capabilities dovecot announces (to take MOVE or UIDPLUS away). */
  imapCapability?: string;
}

interface Ports {
  pop3: number;
  pop3s: number;
  imap: number;
  imaps: number;
}

function config(dir: string, ports: Ports, options: DovecotOptions): string {
  const oauth2 = options.oauth2;
  const mechanisms = ['plain', 'login', ...(oauth2?.mechanisms ?? [])].join(' ');
  // One instance per temp dir: base_dir and state_dir are private, so parallel test files do not clash.
  return `instance_name = stmails-test-${ports.pop3}
base_dir = ${dir}/run
state_dir = ${dir}/state
protocols = pop3 imap
listen = 127.0.0.1
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = ${mechanisms}
${
  oauth2
    ? `passdb {
  driver = oauth2
  mechanisms = ${oauth2.mechanisms.join(' ')}
  args = ${dir}/oauth2.conf.ext
}
`
    : ''
}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
first_valid_uid = 1
pop3_uidl_format = %08Xu%08Xv
${options.imapCapability ? `protocol imap {\n  imap_capability = ${options.imapCapability}\n}\n` : ''}service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${ports.pop3s}
    ssl = yes
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${ports.imaps}
    ssl = yes
  }
}
login_trusted_networks = 127.0.0.0/8
# A wrong password still costs the next good login ~4 s (anvil's penalty): test failures last.
auth_failure_delay = 0
`;
}

function oauth2Config(introspectionUrl: string): string {
  return `introspection_mode = post
introspection_url = ${introspectionUrl}
username_attribute = username
active_attribute = active
active_value = true
`;
}

/**
 * A real dovecot POP3 and IMAP server on 127.0.0.1 (plain + STARTTLS on `pop3Port` / `imapPort`,
 * implicit TLS on `pop3sPort` / `imapsPort`) from its own config in a temp dir, with the TEST-ONLY
 * certificate and one user, TEST_USER. It must run as root (mail processes switch to nobody), as CI
 * does.
 */
export class Dovecot {
  readonly host = '127.0.0.1';
  private seeded = 0;

  readonly pop3Port: number;
  readonly pop3sPort: number;
  readonly imapPort: number;
  readonly imapsPort: number;

  private constructor(
    readonly dir: string,
    ports: Ports,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {
    this.pop3Port = ports.pop3;
    this.pop3sPort = ports.pop3s;
    this.imapPort = ports.imap;
    this.imapsPort = ports.imaps;
  }

  static async start(options: DovecotOptions = {}): Promise<Dovecot> {
    const binary = dovecotBinary();
    if (process.getuid?.() !== 0) throw new Error('the dovecot integration tests must run as root (CI does)');
    const dir = mkdtempSync(join(tmpdir(), 'stmails-dovecot-'));
    chmodSync(dir, 0o755); // mail processes run as nobody and must reach the maildir below
    writeFileSync(join(dir, 'cert.pem'), TEST_CERT);
    writeFileSync(join(dir, 'key.pem'), TEST_KEY, { mode: 0o600 });
    writeFileSync(join(dir, 'users'), `${TEST_USER}:{PLAIN}${TEST_PASSWORD}::::::\n`, { mode: 0o644 });
    const ports = {
      pop3: await freePort(),
      pop3s: await freePort(),
      imap: await freePort(),
      imaps: await freePort(),
    };
    writeFileSync(join(dir, 'dovecot.conf'), config(dir, ports, options));
    if (options.oauth2)
      writeFileSync(join(dir, 'oauth2.conf.ext'), oauth2Config(options.oauth2.introspectionUrl));
    for (const sub of ['new', 'cur', 'tmp'])
      mkdirSync(join(dir, 'mail', TEST_USER, 'Maildir', sub), { recursive: true });
    execFileSync('chown', ['-R', 'nobody:nogroup', join(dir, 'mail')]);

    const child = spawn(binary, ['-F', '-c', join(dir, 'dovecot.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const dovecot = new Dovecot(dir, ports, child, exited);
    const deadline = Date.now() + 10_000;
    const up = async () =>
      (await answers(ports.pop3, true)) &&
      (await answers(ports.pop3s, false)) &&
      (await answers(ports.imap, true)) &&
      (await answers(ports.imaps, false));
    while (!(await up())) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await dovecot.stop();
        throw new Error(`dovecot did not start (exit ${child.exitCode}):\n${output}\n${dovecot.log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return dovecot;
  }

  /** Delivers messages (CRLF lines) into the user's Maildir/new, oldest first; returns their files. */
  seed(messages: Buffer[]): string[] {
    const inbox = join(this.maildir(), 'new');
    const files = messages.map((message) => {
      this.seeded++;
      const name = `${1_700_000_000 + this.seeded}.M${this.seeded}P${process.pid}.stmails-test`;
      writeFileSync(join(inbox, name), message);
      return name;
    });
    execFileSync('chown', ['-R', 'nobody:nogroup', join(this.dir, 'mail')]);
    return files;
  }

  /** Message files currently in the maildir (new and cur) of INBOX, or of another folder. */
  files(folder = 'INBOX'): string[] {
    const base = folder === 'INBOX' ? this.maildir() : join(this.maildir(), `.${folder}`);
    return ['new', 'cur'].flatMap((sub) => {
      try {
        return readdirSync(join(base, sub));
      } catch {
        return [];
      }
    });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops dovecot, waits for its exit (about 1 s) and removes the temp dir. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const stubborn = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(stubborn);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private maildir(): string {
    return join(this.dir, 'mail', TEST_USER, 'Maildir');
  }
}
