import { eventStoreFile, loadConfig } from '@duban/config';
import { createEventStore, describeEventStore, EventStoreSettings, LogHead, VerifyReport } from '@duban/eventstore';

export interface VerifyCommandOptions {
  json?: boolean;
  /** `<hash>@<position>`: a head hash published outside the system, which the log must still produce. */
  anchor?: string;
}

/** An anchor as printed: the head hash at a position of the global log (see LogHead). */
export function formatAnchor(head: LogHead): string {
  return `${head.hash}@${head.position}`;
}

export function parseAnchor(text: string): LogHead | null {
  const m = /^([0-9a-f]{64})@(\d{1,19})$/i.exec(text.trim());
  return m && BigInt(m[2]) > 0n ? { hash: m[1].toLowerCase(), position: BigInt(m[2]) } : null;
}

/** What is wrong with the log against the anchor, or null when the log up to its position produces its hash. */
export function anchorProblem(anchor: LogHead, found: LogHead | null | undefined): string | null {
  if (!found || found.position !== anchor.position) {
    const last = found ? `its last event at or before it is at position ${found.position}` : 'it holds no event at or before it';
    return `the log holds no event at position ${anchor.position} (${last}): events were removed, or the anchor is of another log`;
  }
  if (found.hash !== anchor.hash) {
    return `the head hash at position ${anchor.position} is ${found.hash}, not the anchored ${anchor.hash}: the log up to that position was rewritten`;
  }
  return null;
}

/**
 * `duban verify`: walks the store; exit 0 when every chain holds (and the log
 * still produces the `--anchor` given), 1 with the first bad event or the
 * anchor's difference otherwise, 2 for a bad anchor argument.
 */
export async function verifyCommand(options: VerifyCommandOptions): Promise<number> {
  const config = loadConfig(process.env);
  const anchor = options.anchor === undefined ? undefined : parseAnchor(options.anchor);
  if (anchor === null) {
    process.stderr.write(`duban: --anchor ${JSON.stringify(options.anchor)} must be <64 hex digits>@<position>, as \`duban verify\` prints it\n`);
    return 2;
  }
  const settings: EventStoreSettings = {
    kurrentDbUrl: config.kurrentDbUrl,
    sqliteFile: eventStoreFile(config),
    sqliteSynchronous: config.sqliteSynchronous,
  };
  const store = createEventStore(settings);
  const started = Date.now();
  let report: VerifyReport;
  try {
    report = await store.verify({
      ...(anchor ? { anchorAt: anchor.position } : {}),
      onProgress: (checked, total) => {
        if (!process.stderr.isTTY) return;
        const pct = total ? ` ${((100 * checked) / total).toFixed(1)}%` : '';
        process.stderr.write(`\rverifying ${describeEventStore(settings)}: ${checked}${total ? `/${total}` : ''} events${pct}`);
      },
    });
  } finally {
    await store.close();
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  // a broken chain says nothing reliable about the anchor; it is checked on an intact log only
  const problem = anchor && report.ok ? anchorProblem(anchor, report.anchor) : null;

  if (options.json) {
    const out = anchor ? { ...report, anchorChecked: formatAnchor(anchor), anchorHolds: report.ok && problem === null, anchorProblem: problem } : report;
    process.stdout.write(`${JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
  } else if (report.ok) {
    process.stdout.write(
      `OK: ${report.eventsChecked} events in ${report.streamsChecked} streams verified in ${seconds.toFixed(2)} s (${describeEventStore(settings)})\n` +
        (report.head
          ? `head: position ${report.head.position}, hash ${report.head.hash}\nanchor: ${formatAnchor(report.head)}\n` +
            '(keep this anchor outside the system: `duban verify --anchor <it>` later proves the log up to it unchanged)\n'
          : 'the store is empty\n'),
    );
    if (anchor) {
      process.stdout.write(
        problem === null ? `anchor ${formatAnchor(anchor)} holds\n` : `ANCHOR FAILED: ${formatAnchor(anchor)}\n  ${problem}\n`,
      );
    }
  } else {
    const f = report.failure!;
    process.stdout.write(
      `FAILED: event ${f.kind} — stream ${f.stream}, version ${f.streamVersion}` +
        `${f.globalPosition !== null ? `, global position ${f.globalPosition}` : ''}\n  ${f.detail}\n` +
        `  (${report.eventsChecked} events before it verified)\n`,
    );
  }
  return report.ok && problem === null ? 0 : 1;
}
