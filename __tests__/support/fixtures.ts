// Real-shaped RDS event payloads, copied from the team's shared fixtures into __tests__/fixtures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const FIXTURES_DIR = path.join(__dirname, '..', 'fixtures', 'rds-events');

/** The fixture files' names. */
export function fixtureNames(): string[] {
  if (!existsSync(FIXTURES_DIR)) throw new Error(`the RDS event fixtures are missing: expected ${FIXTURES_DIR}`);
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** An SNS-wrapped RDS event as Lambda receives it. */
export interface SnsEvent {
  Records: Array<{
    EventSource: string;
    EventSubscriptionArn: string;
    Sns: { MessageId: string; TopicArn: string; Message: string; MessageAttributes: Record<string, { Type: string; Value: string }> } & Record<string, unknown>;
  }>;
}

/** Loads one fixture; a fresh copy every call, so tests may change it. */
export function loadFixture(name: string): SnsEvent {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as SnsEvent;
}

/** The fixture with its RDS message changed by `edit` (and a new MessageId). */
export function withMessage(name: string, edit: (message: Record<string, unknown>) => void, messageId?: string): SnsEvent {
  const event = loadFixture(name);
  const sns = event.Records[0]!.Sns;
  const message = JSON.parse(sns.Message) as Record<string, unknown>;
  edit(message);
  sns.Message = JSON.stringify(message);
  if (messageId !== undefined) sns.MessageId = messageId;
  return event;
}
