import { describe, expect, it } from 'vitest';
import type { Fetch } from '../../lambdas/adapters/https-certificate-loader.js';
import { SnsSubscriptionConfirmer } from '../../lambdas/adapters/sns-subscription-confirmer.js';
import { InternalError, UnauthenticatedError } from '../../lambdas/core/errors.js';
import { TEST_SUBSCRIBE_URL, TEST_TOPIC_ARN } from '../support/sns-signer.js';

const CONFIRMED = `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:us-east-1:123456789012:ses-feedback:1</SubscriptionArn></ConfirmSubscriptionResult>
</ConfirmSubscriptionResponse>`;

function fakeFetch(respond: () => Response = () => new Response(CONFIRMED)) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: Fetch = async (url, init) => {
    calls.push({ url, init });
    return respond();
  };
  return { fetch, calls };
}

describe('SnsSubscriptionConfirmer', () => {
  it('confirms by GET of the SubscribeURL, unchanged', async () => {
    const { fetch, calls } = fakeFetch();
    await new SnsSubscriptionConfirmer(fetch).confirm(TEST_SUBSCRIBE_URL, TEST_TOPIC_ARN);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(TEST_SUBSCRIBE_URL);
    expect(calls[0]?.init).toMatchObject({ method: 'GET', redirect: 'manual' });
    expect(calls[0]?.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('fails with a 500 when SNS does not answer 200, so SNS sends the confirmation again', async () => {
    const { fetch } = fakeFetch(() => new Response('<Error/>', { status: 403 }));
    await expect(
      new SnsSubscriptionConfirmer(fetch).confirm(TEST_SUBSCRIBE_URL, TEST_TOPIC_ARN),
    ).rejects.toThrow(InternalError);
  });

  it('fails with a 500 on a network error', async () => {
    const fetch: Fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(
      new SnsSubscriptionConfirmer(fetch).confirm(TEST_SUBSCRIBE_URL, TEST_TOPIC_ARN),
    ).rejects.toThrow(InternalError);
  });

  it('gives up after its timeout', async () => {
    const fetch: Fetch = (_, init) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    await expect(
      new SnsSubscriptionConfirmer(fetch, 20).confirm(TEST_SUBSCRIBE_URL, TEST_TOPIC_ARN),
    ).rejects.toThrow(InternalError);
  });

  it('refuses a URL that is not an SNS host without requesting it', async () => {
    const { fetch, calls } = fakeFetch();
    await expect(
      new SnsSubscriptionConfirmer(fetch).confirm(
        'https://169.254.169.254/latest/meta-data/',
        TEST_TOPIC_ARN,
      ),
    ).rejects.toThrow(UnauthenticatedError);
    expect(calls).toEqual([]);
  });

  it.each([
    ['an S3 bucket host', TEST_SUBSCRIBE_URL.replace('sns.us-east-1.', 'sns.s3.')],
    ['another region', TEST_SUBSCRIBE_URL.replace('sns.us-east-1.', 'sns.eu-west-1.')],
  ])('refuses a SubscribeURL on %s without requesting it', async (_, url) => {
    const { fetch, calls } = fakeFetch();
    await expect(new SnsSubscriptionConfirmer(fetch).confirm(url, TEST_TOPIC_ARN)).rejects.toThrow(
      UnauthenticatedError,
    );
    expect(calls).toEqual([]);
  });

  it('discards the response body', async () => {
    let cancelled = false;
    const body = new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(CONFIRMED));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { fetch } = fakeFetch(() => new Response(body));
    await new SnsSubscriptionConfirmer(fetch).confirm(TEST_SUBSCRIBE_URL, TEST_TOPIC_ARN);
    expect(cancelled).toBe(true);
  });
});
