import type { Reason } from '../bounces/reasons.js';
import { qualify, reportedAddress } from './address-forms.js';
import { type DsnFields, hasDsnFields, parseDsnFields } from './dsn-fields.js';
import { decodeIso2022Jp } from './iso-2022-jp.js';
import type { ParseLimits } from './limits.js';
import type { MimeView } from './mime.js';
import { classifyRecipient } from './recipient.js';
import { wholeReply } from './replies.js';
import type { ParsedRecipient, RecipientAction } from './types.js';

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ACTIONS: ReadonlySet<string> = new Set(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

function normaliseAction(action: string | undefined, status: string | undefined): RecipientAction {
  const word =
    action
      ?.trim()
      .toLowerCase()
      .split(/[\s;(]/)[0] ?? '';
  if (ACTIONS.has(word)) return word as RecipientAction;
  // Words some MTAs use in place of RFC 3464's, then the status class for a missing Action.
  if (/^(delay|defer|retry|transient)/.test(word) || status?.trim().startsWith('4')) return 'delayed';
  if (/^(deliver|success|sent)/.test(word) || status?.trim().startsWith('2')) return 'delivered';
  return 'failed';
}

/**
 * The report fields: a message/delivery-status part (RFC 3464, RFC 6533), else RFC 3464 fields an
 * MTA wrote into a text part (Amazon WorkMail and others do), else none.
 */
export function findDsn(view: MimeView, report: string): DsnFields | undefined {
  const part = view.parts.find((p) => DSN_TYPES.has(p.type));
  if (part) {
    const dsn = parseDsnFields(decodeIso2022Jp(part.content));
    if (dsn.recipients.length) return dsn;
  }
  const texts = [report, ...view.parts.filter((p) => p.type === 'text/plain').map((p) => p.content)];
  for (const text of texts) {
    if (!hasDsnFields(text)) continue;
    const dsn = parseDsnFields(text);
    if (dsn.recipients.length) return dsn;
  }
  return undefined;
}

// PowerMTA's per-recipient X-PowerMTA-BounceCategory, as its bounce classification documents it.
const POWERMTA_CATEGORIES: Readonly<Record<string, Reason>> = {
  'bad-mailbox': 'user_unknown',
  'bad-domain': 'host_unknown',
  'inactive-mailbox': 'mailbox_inactive',
  'quota-issues': 'mailbox_full',
  'message-expired': 'expired',
  'no-answer-from-host': 'network',
  'routing-errors': 'network',
  'bad-connection': 'network',
  'spam-related': 'spam_detected',
  'virus-related': 'virus',
  'content-related': 'content_rejected',
  'policy-related': 'policy',
  'relaying-issues': 'blocked',
  'invalid-sender': 'blocked',
};

function powerMtaCategory(value: string | undefined): Reason | undefined {
  return value ? POWERMTA_CATEGORIES[value.trim().toLowerCase()] : undefined;
}

/**
 * The recipient's Internet address: Final-Recipient, else Original-Recipient, each qualified from the
 * returned original when it names the recipient by local part, Exchange or X.400 form
 * (address-forms.ts). A report about one recipient of a message sent to one recipient names that
 * recipient, whatever form it uses.
 */
function recipientOf(
  r: DsnFields['recipients'][number],
  originalRecipients: readonly string[],
  sole: boolean,
): string | undefined {
  const reported = [reportedAddress(r.finalRecipient), reportedAddress(r.originalRecipient)];
  for (const form of reported) {
    const email = form && qualify(form, originalRecipients);
    if (email) return email;
  }
  const named = reported.some(Boolean) || !!r.finalRecipient?.trim();
  return named && sole && originalRecipients.length === 1 ? originalRecipients[0] : undefined;
}

/**
 * One answer per reported recipient: Final-Recipient, else Original-Recipient; the Diagnostic-Code,
 * else the human-readable block about that recipient, is the evidence for its reason.
 */
export function recipientsFromReport(
  dsn: DsnFields,
  blocks: ReadonlyMap<string, string>,
  report: string,
  limits: ParseLimits,
  senders: readonly string[] = [],
  originalRecipients: readonly string[] = [],
): ParsedRecipient[] {
  const recipients: ParsedRecipient[] = [];
  for (const r of dsn.recipients.slice(0, limits.maxRecipients)) {
    const email = recipientOf(r, originalRecipients, dsn.recipients.length === 1);
    if (!email || recipients.some((x) => x.email === email)) continue;
    recipients.push(
      classifyRecipient({
        email,
        action: normaliseAction(r.action, r.status),
        status: r.status,
        diagnostic: r.diagnosticCode ? wholeReply(r.diagnosticCode, report) : blocks.get(email),
        prose: !r.diagnosticCode,
        context: report,
        soleRecipient: dsn.recipients.length === 1,
        senders,
        stated: powerMtaCategory(r.fields['x-powermta-bouncecategory']),
        maxDiagnosticChars: limits.maxDiagnosticChars,
      }),
    );
  }
  return recipients;
}
