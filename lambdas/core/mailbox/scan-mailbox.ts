import { createHash } from 'node:crypto';
import type { BounceInput } from '../bounces/bounce.js';
import { typeForReason } from '../bounces/classify.js';
import { type RecordDeps, recordBounce } from '../bounces/record-bounce.js';
import { correlate } from '../providers/correlation.js';
import type { BounceSettings, MailboxSettings } from '../settings/settings.js';
import { stageOf } from './mailbox-error.js';
import type {
  MailboxConnector,
  MailboxSession,
  MailboxStateStore,
  MailParser,
  ParsedMail,
  UidState,
} from './ports.js';
import { emptyReport, type ScanFailure, type ScanReport } from './scan-report.js';

export interface ScanDeps {
  record: RecordDeps;
  connector: MailboxConnector;
  parse: MailParser;
  state: MailboxStateStore;
}

export interface ScanOptions {
  /** Who holds the lease (the Lambda request id); released at the end. */
  owner: string;
  /** Stop fetching after this time, so the scan ends inside the function's timeout. */
  deadline: Date;
  /** Every read and connect of the mail session ends by then, whatever the server does (see scanTimes). */
  finishBy?: Date;
  /** How long the lease lasts if the scan dies without releasing it. */
  leaseMs: number;
}

export const MAX_ATTEMPTS = 3;

/** The bounce's `source`: `pop3:<user>@<host>`, or `imap:<user>@<host>/<folder>`. */
export function mailboxSource(mailbox: MailboxSettings): string {
  const at = `${mailbox.username ? `${mailbox.username}@` : ''}${mailbox.host}`;
  return mailbox.type === 'imap' ? `imap:${at}/${mailbox.folder}` : `pop3:${at}`;
}

/**
 * What identifies a message across sessions, folders and protocols: its Message-ID, else the SHA-256
 * of its bytes. Event keys keep the `pop3:` prefix for IMAP too, so a message seen again after a
 * changed UIDVALIDITY or a switch of the mailbox's type counts once.
 */
export function messageKey(parsed: ParsedMail, raw: Uint8Array): string {
  return parsed.message_id ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

type Verdict = 'delete' | 'unattributed' | 'kept';
/** `raw` null: the message left the server since the listing (another client took it). */
type Fetched = { raw: Uint8Array | null } | { error: unknown };

/** The bounces a parsed message asks to record (failed recipients, or the complainants). */
export function bouncesOf(
  parsed: ParsedMail,
  uid: string,
  mailbox: MailboxSettings,
  raw: Uint8Array,
): BounceInput[] {
  const complaint = parsed.kind === 'feedback';
  const failed = complaint ? parsed.recipients : parsed.recipients.filter((r) => r.action === 'failed');
  const key = messageKey(parsed, raw);
  return failed.map((r) => ({
    email: r.email,
    type: complaint
      ? 'complaint'
      : r.hard === true
        ? 'hard'
        : r.hard === false
          ? 'soft'
          : typeForReason(r.reason),
    reason: complaint ? 'complaint' : r.reason,
    ...(r.status ? { status: r.status } : {}),
    ...(r.diagnostic ? { diagnostic: r.diagnostic.slice(0, 1000) } : {}),
    source: mailboxSource(mailbox),
    ...correlate(parsed.campaign, parsed.subscriber, {
      mailbox: mailbox.uuid,
      uidl: uid,
      ...(parsed.message_id ? { message_id: parsed.message_id } : {}),
      ...(parsed.original_message_id ? { original_message_id: parsed.original_message_id } : {}),
      ...(parsed.feedback_type ? { feedback_type: parsed.feedback_type } : {}),
    }),
    event_key: `pop3:${key}:${r.email}`,
    resolve_by: 'email' as const,
  }));
}

/**
 * Processed messages the server confirmed removing from the folder: deleted, or (IMAP
 * `after_processing: move`) moved.
 */
function countRemoved(report: ScanReport, mailbox: MailboxSettings, count: number): void {
  if (mailbox.after_processing === 'move') report.moved = count;
  else report.deleted = count;
}

/** Records what a message says and decides whether it may leave the server (DESIGN §7). */
async function handle(
  deps: ScanDeps,
  settings: BounceSettings,
  mailbox: MailboxSettings,
  uid: string,
  raw: Uint8Array,
  parsed: ParsedMail,
  report: ScanReport,
): Promise<Verdict> {
  if (parsed.kind === 'not-bounce') return 'kept';
  if (parsed.kind === 'autoreply' || parsed.kind === 'delivered') {
    report.ignored++;
    return 'delete';
  }
  const bounces = bouncesOf(parsed, uid, mailbox, raw);
  if (parsed.recipients.length === 0) return 'unattributed';
  // Delayed recipients are deferrals, also beside failed ones in the same report: counted, not recorded.
  report.deferred += parsed.recipients.filter((r) => r.action === 'delayed').length;
  if (bounces.length === 0) {
    report.ignored++;
    return 'delete';
  }
  for (const bounce of bounces) {
    const result = await recordBounce(deps.record, settings, bounce);
    if (result.duplicate) report.duplicates++;
    else if (result.id && bounce.type === 'complaint') report.complaints++;
    else if (result.id) report.recorded++;
  }
  return 'delete';
}

/**
 * The alarm kind of an error that ended a scan, from the connector's `code` (MailboxErrorCode), else
 * from the sign-in stage it failed at (IMAP and OAuth2 errors say where rather than why).
 */
export function failureOf(error: unknown): ScanFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'auth') return 'login';
  if (code === 'connection' || code === 'tls' || code === 'timeout') return 'connection';
  if (code === 'protocol' || code === 'server') return 'protocol';
  const stage = stageOf(error);
  if (stage === 'auth' || stage === 'token') return 'login';
  if (stage === 'dns' || stage === 'connect' || stage === 'tls' || stage === 'greeting') return 'connection';
  if (stage === 'folder') return 'protocol';
  return 'internal';
}

async function fail(
  deps: ScanDeps,
  box: string,
  uid: string,
  prior: UidState | undefined,
  error: unknown,
  report: ScanReport,
) {
  const attempts = (prior?.attempts ?? 0) + 1;
  const stuck = attempts >= MAX_ATTEMPTS;
  const note = (error as Error)?.message?.slice(0, 200) ?? 'failed';
  await deps.state.putState(box, uid, { status: stuck ? 'stuck' : 'failed', attempts, note });
  if (stuck) report.stuck++;
  else report.failed++;
}

/**
 * One scan of one mailbox: lease it, list (POP3 UIDL; IMAP folder, UIDVALIDITY and UID), fetch up to
 * `max_per_scan` new messages, parse, record, and mark for removal only what was durably recorded or
 * is safe to drop (auto-replies, delivered and delayed notices). Human mail and unattributable bounces
 * stay untouched and are not fetched again; a message that keeps failing is skipped as `stuck` after 3
 * attempts. Removals (POP3 DELE, IMAP delete or move) take effect only at the commit (a clean QUIT; the
 * IMAP MOVE or EXPUNGE at the end), so a dropped connection removes nothing, and event keys keep the
 * re-fetch from counting twice. A message counts as deleted or moved only once the commit succeeded;
 * when it fails the server may or may not have removed what was marked, so those messages are reported
 * as `deletions_uncertain` and remembered as `deleting`: a later scan that still finds them removes
 * them without fetching them.
 */
export async function scanMailbox(
  deps: ScanDeps,
  settings: BounceSettings,
  mailbox: MailboxSettings,
  options: ScanOptions,
): Promise<ScanReport> {
  const report = emptyReport(mailbox.uuid);
  const box = mailbox.uuid;
  const now = () => deps.record.clock.now();
  const until = new Date(now().getTime() + options.leaseMs).toISOString();
  if (!(await deps.state.acquireLease(box, options.owner, now().toISOString(), until))) {
    return { ...report, locked: true };
  }
  let session: MailboxSession | undefined;
  // DELE'd (or, IMAP, chosen to move or delete) in this session: removed only once the commit succeeds.
  const marked: string[] = [];
  try {
    const limits = options.finishBy
      ? { timeLimitMs: Math.max(0, options.finishBy.getTime() - now().getTime()) }
      : undefined;
    session = await deps.connector.open(mailbox, limits);
    const listing = await session.list();
    report.on_server = listing.length;
    const states = await deps.state.states(box);
    const onServer = new Set(listing.map((m) => m.uid));
    await deps.state.prune(
      box,
      [...states.keys()].filter((uid) => !onServer.has(uid)),
    );
    const open = session;
    // Settled earlier, but their commit failed and the server kept them: remove without fetching again.
    for (const { uid } of listing) {
      if (states.get(uid)?.status !== 'deleting') continue;
      await open.delete(uid);
      marked.push(uid);
    }
    // The next message to fetch, skipping those already settled (counted), with its RETR started.
    let index = 0;
    const readNext = (): { uid: string; prior: UidState | undefined; got: Promise<Fetched> } | undefined => {
      while (index < listing.length) {
        const uid = listing[index++]?.uid as string;
        const prior = states.get(uid);
        if (prior?.status === 'deleting') continue;
        if (prior && prior.status !== 'failed') {
          report.left++;
          continue;
        }
        if (report.fetched >= mailbox.max_per_scan || now() >= options.deadline) {
          report.stopped_early = now() >= options.deadline;
          continue;
        }
        report.fetched++;
        const got = open.fetch(uid).then(
          (raw): Fetched => ({ raw }),
          (error: unknown): Fetched => ({ error }),
        );
        return { uid, prior, got };
      }
      return undefined;
    };

    let pending = readNext();
    while (pending) {
      const { uid, prior } = pending;
      const got = await pending.got;
      if ('error' in got) {
        // The session is gone: charge this message (one that always breaks the connection ends up
        // stuck instead of blocking the mailbox) and end the scan; nothing marked is deleted.
        await fail(deps, box, uid, prior, got.error, report);
        throw got.error;
      }
      // RETR of the next message runs while this one is recorded: the mail server and the table
      // work at once. Nothing else is sent on the connection until that RETR has answered.
      pending = readNext();
      const raw = got.raw;
      if (raw === null) {
        // Gone since the listing: nothing to record or remove, and no failed attempt either.
        report.fetched--;
        continue;
      }
      let verdict: Verdict | undefined;
      try {
        verdict = await handle(deps, settings, mailbox, uid, raw, await deps.parse(raw), report);
      } catch (error) {
        await fail(deps, box, uid, prior, error, report);
      }
      if (verdict === 'delete') {
        const next = await pending?.got;
        // A connection lost during the next RETR cannot take a DELE; the next turn ends the scan.
        if (!next || !('error' in next)) {
          await open.delete(uid);
          marked.push(uid);
        }
      } else if (verdict) {
        await deps.state.putState(box, uid, { status: verdict, attempts: 0 });
        report.left++;
        if (verdict === 'unattributed') report.unattributed++;
      }
    }
    try {
      await session.commit();
    } catch (error) {
      report.deletions_uncertain = marked.length;
      try {
        for (const uid of marked) await deps.state.putState(box, uid, { status: 'deleting', attempts: 0 });
      } catch {
        // Unremembered, they are fetched again next time: event keys keep their bounces from counting twice.
      }
      throw error;
    }
    countRemoved(report, mailbox, marked.length);
    await deps.state.setLastScan(box, now().toISOString());
  } catch (error) {
    session?.close();
    report.error = (error as Error)?.message?.slice(0, 200) ?? 'scan failed';
    report.failure = failureOf(error);
  } finally {
    await deps.state.releaseLease(box, options.owner);
  }
  return report;
}
