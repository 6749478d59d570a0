/**
 * RFC 3464 delivery-status fields: one per-message block, then one block per recipient. Blocks are
 * split on blank lines as the RFC says; a block holding several `Final-Recipient` fields (some MTAs
 * omit the blank lines) is split at each of them, so no recipient borrows another's status.
 */
export interface DsnRecipientFields {
  finalRecipient?: string;
  originalRecipient?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
  remoteMta?: string;
  /** Every field of the block by lower-cased name (first occurrence wins). */
  fields: Record<string, string>;
}

export interface DsnFields {
  message: Record<string, string>;
  recipients: DsnRecipientFields[];
}

type RawField = [name: string, value: string];

const FIELD = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:(.*)$/;
const RECIPIENT_FIELDS = new Set(['final-recipient', 'original-recipient', 'x-actual-recipient']);

function blocks(text: string, maxFields: number): RawField[][] {
  const out: RawField[][] = [];
  let block: RawField[] = [];
  let count = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') {
      if (block.length) out.push(block);
      block = [];
      continue;
    }
    const last = block[block.length - 1];
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      // Unfolding (RFC 5322 §2.2.3): a continuation line belongs to the field above it.
      if (last[1].length < 2_000) last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const m = FIELD.exec(line);
    if (!m) continue;
    if (++count > maxFields) break;
    block.push([(m[1] as string).toLowerCase(), (m[2] as string).trim()]);
  }
  if (block.length) out.push(block);
  return out;
}

/** Splits a block at each `Final-Recipient` after the first; an `Original-Recipient` stays with its pair. */
function splitRecipients(block: RawField[]): RawField[][] {
  const groups: RawField[][] = [];
  let current: RawField[] = [];
  let seenFinal = false;
  for (const field of block) {
    if (field[0] === 'final-recipient') {
      if (seenFinal) {
        const carried = current[current.length - 1]?.[0] === 'original-recipient' ? current.pop() : undefined;
        groups.push(current);
        current = carried ? [carried] : [];
      }
      seenFinal = true;
    }
    current.push(field);
  }
  if (current.length) groups.push(current);
  return groups;
}

function toRecipient(group: RawField[]): DsnRecipientFields {
  const fields: Record<string, string> = {};
  for (const [name, value] of group) if (!(name in fields)) fields[name] = value;
  return {
    finalRecipient: fields['final-recipient'] ?? fields['x-actual-recipient'],
    originalRecipient: fields['original-recipient'],
    action: fields.action?.toLowerCase(),
    status: fields.status,
    diagnosticCode: fields['diagnostic-code'],
    remoteMta: fields['remote-mta'],
    fields,
  };
}

export function parseDsnFields(text: string, maxFields = 2_000): DsnFields {
  const message: Record<string, string> = {};
  const recipients: DsnRecipientFields[] = [];
  for (const block of blocks(text, maxFields)) {
    if (!block.some(([name]) => RECIPIENT_FIELDS.has(name))) {
      for (const [name, value] of block) if (!(name in message)) message[name] = value;
      continue;
    }
    for (const group of splitRecipients(block)) recipients.push(toRecipient(group));
  }
  return { message, recipients };
}

/** Whether a text carries RFC 3464 recipient fields at all (some MTAs put them in a text/plain part). */
export function hasDsnFields(text: string): boolean {
  return (
    /^(final-recipient|original-recipient)[ \t]*:/im.test(text) && /^(action|status)[ \t]*:/im.test(text)
  );
}
