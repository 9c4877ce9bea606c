// Telling the operators: one call, to the notifications topic. Its own file, so code that only
// notifies (verification) does not bring the RDS client along; the SNS client itself is loaded on
// the first notification (notify-sns.ts), so a cold start that sends none does not load it.
import type { SNSClient } from '@aws-sdk/client-sns';
import type * as NotifySns from './notify-sns';

// A name the bundler leaves alone (as in recorder.ts): at run time it is the bundled file beside
// index.js; from the sources (tests, the CLI) it resolves to notify-sns.ts.
const NOTIFY_SNS_MODULE = './notify-sns';

/** Tells the operators through the notifications topic. */
export async function notify(topicArn: string, subject: string, message: string, client?: SNSClient): Promise<void> {
  const { publish } = (await import(NOTIFY_SNS_MODULE)) as typeof NotifySns;
  await publish(topicArn, subject, message, client);
}
