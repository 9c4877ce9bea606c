// One JSON line per decision, so CloudWatch Logs Insights can answer "what happened to snapshot X".
import { ARCHIVE_DIMENSION, METRICS_NAMESPACE } from '../contract/metric-names';

/** What the exporter decided about one record or snapshot. */
export type DecisionKind = 'started' | 'duplicate' | 'skipped' | 'deferred' | 'retry' | 'failed' | 'reported' | 'ignored' | 'exported' | 'running' | 'gave-up';

/** One decision, as logged. */
export interface Decision {
  readonly decision: DecisionKind;
  readonly reason: string;
  readonly snapshotArn?: string;
  readonly exportTaskIdentifier?: string;
  readonly eventId?: string;
  readonly messageId?: string;
  readonly [key: string]: unknown;
}

let sink: (line: string) => void = (line) => console.log(line);

/**
 * Writes one log line: to stdout, which Lambda sends to CloudWatch Logs (and CloudWatch turns
 * the embedded-metric lines into metrics). Every log and metric line of the handler goes through
 * here, so the CLI can move them off its own output.
 */
export function writeLogLine(line: string): void {
  sink(line);
}

/** Where log lines go from now on; the CLI sends them to stderr so its stdout holds only its output. */
export function setLogSink(next: (line: string) => void): void {
  sink = next;
}

/** Writes a decision as one JSON log line. */
export function logDecision(decision: Decision): void {
  writeLogLine(JSON.stringify({ level: decision.decision === 'failed' || decision.decision === 'retry' ? 'ERROR' : 'INFO', ...decision }));
}

/**
 * A CloudWatch embedded-metric-format line: CloudWatch turns it into metrics, no API call needed.
 * Every metric has the Archive dimension, plus `dimensions` when given (e.g. Database).
 */
export function metricLine(
  archiveName: string,
  metrics: Readonly<Record<string, { value: number; unit: 'Count' | 'Bytes' | 'None' }>>,
  now: Date = new Date(),
  dimensions: Readonly<Record<string, string>> = {},
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[ARCHIVE_DIMENSION, ...Object.keys(dimensions)]],
          Metrics: Object.entries(metrics).map(([name, m]) => ({ Name: name, Unit: m.unit })),
        },
      ],
    },
    [ARCHIVE_DIMENSION]: archiveName,
    ...dimensions,
    ...Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, m.value])),
  });
}
