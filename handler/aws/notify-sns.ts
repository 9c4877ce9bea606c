// The SNS side of notify.ts: the client and its one call. A file of its own, loaded on the first
// notification (notify.ts) and held in the Lambda zip beside index.js (stacks/bundle.ts): most
// invocations never notify, and the SNS client was about a tenth of index.js's cold load.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { handlerClientSettings } from './client-settings';

/** The SNS client for notifications (client-settings.ts: attempts and timeouts). */
export const sns = new SNSClient(handlerClientSettings());

/** Publishes one notification to the topic. */
export async function publish(topicArn: string, subject: string, message: string, client: SNSClient = sns): Promise<void> {
  // SNS subjects: at most 100 characters, no line breaks.
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.replace(/\s+/g, ' ').slice(0, 100), Message: message }));
}
