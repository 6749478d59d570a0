import type { BounceSettings, MailboxSettings } from '../settings/settings.js';
import { durationSeconds } from '../settings/settings-validation.js';
import { type ScanDeps, type ScanOptions, scanMailbox } from './scan-mailbox.js';
import type { ScanReport } from './scan-report.js';

/** Whether a mailbox's `scan_interval` has passed since its last scan. */
export function isDue(mailbox: MailboxSettings, lastScan: string | null, now: Date): boolean {
  if (!lastScan) return true;
  const interval = (durationSeconds(mailbox.scan_interval) ?? 900) * 1000;
  // A minute's slack: the schedule fires every minute, and "15m" should not slip to 16.
  return now.getTime() - Date.parse(lastScan) >= interval - 30_000;
}

/** The scheduled run: every enabled mailbox whose interval has passed, one after another. */
export async function runDueScans(
  deps: ScanDeps,
  settings: BounceSettings,
  options: ScanOptions,
): Promise<ScanReport[]> {
  if (!settings.enabled) return [];
  const reports: ScanReport[] = [];
  for (const mailbox of settings.mailboxes.filter((m) => m.enabled)) {
    const now = deps.record.clock.now();
    if (now >= options.deadline) break;
    if (!isDue(mailbox, await deps.state.lastScan(mailbox.uuid), now)) continue;
    reports.push(await scanMailbox(deps, settings, mailbox, options));
  }
  return reports;
}
