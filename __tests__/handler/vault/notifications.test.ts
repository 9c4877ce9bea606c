// The S3 notifications the vault verifier receives (pure): the objects they name, keys decoded as
// S3 encodes them, and which of those are in a handovers folder (where anything must be a handover).
import { describe, expect, it } from 'vitest';
import { isInHandoversFolder, objectsOfS3Event } from '../../../handler/vault/vault-run';

const record = (bucket: string, key: string, eventSource = 'aws:s3') => ({
  eventSource,
  eventName: 'ObjectCreated:Put',
  s3: { bucket: { name: bucket }, object: { key } },
});

describe('an S3 notification', () => {
  it('names each object created, its key decoded as S3 encodes it (spaces as "+")', () => {
    const event = { Records: [record('vault', 'exports/222222222222/_archive/handovers/20261205T014349123Z-a%3Ab+c.json'), record('vault', 'x', 'aws:sqs')] };
    expect(objectsOfS3Event(event)).toEqual([{ bucket: 'vault', key: 'exports/222222222222/_archive/handovers/20261205T014349123Z-a:b c.json' }]);
  });

  it("names nothing for S3's test event, a scheduled event, or a key that is not URL-encoded", () => {
    expect(objectsOfS3Event({ Service: 'Amazon S3', Event: 's3:TestEvent' })).toEqual([]);
    expect(objectsOfS3Event({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual([]);
    expect(objectsOfS3Event({ Records: [record('vault', 'bad%E0%A4%A')] })).toEqual([]);
  });

  it("tells a source's handovers folder from the rest of the bucket", () => {
    expect(isInHandoversFolder('exports', 'exports/222222222222/_archive/handovers/anything.txt')).toBe(true);
    expect(isInHandoversFolder('exports', 'exports/222222222222/_archive/verified-exports.json')).toBe(false);
    expect(isInHandoversFolder('exports', 'exports/222222222222/orders-db/x/archive-manifest.json')).toBe(false);
    expect(isInHandoversFolder('exports', 'other/222222222222/_archive/handovers/a.json')).toBe(false);
    expect(isInHandoversFolder('', '222222222222/_archive/handovers/a.json')).toBe(true);
  });
});
