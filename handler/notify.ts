// Telling the operators: one call, to the notifications topic. Its own file, so code that only
// notifies (verification) does not bring the RDS client along.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/** The SNS client for notifications; region, endpoint and credentials from the SDK's defaults, five attempts. */
export const sns = new SNSClient({ maxAttempts: 5 });

/** Tells the operators through the notifications topic. */
export async function notify(topicArn: string, subject: string, message: string, client: SNSClient = sns): Promise<void> {
  // SNS subjects: at most 100 characters, no line breaks.
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.replace(/\s+/g, ' ').slice(0, 100), Message: message }));
}
