import { DatabaseNotificationEventStore } from './DatabaseNotificationEventStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const NOW = Date.UTC(2026, 9, 5);
const HOUR = 60 * 60 * 1000;
const CAD = 'component:default/cad-core';
const EVENT = {
  key: `breach|${CAD}|availability|2026-10`,
  kind: 'breach' as const,
  entityRef: CAD,
  recipients: ['group:default/dispatch-platform'],
};

describeStoreOnEachDatabase(DatabaseNotificationEventStore, setup => {
  it('lets only the first claim of an event win and reads it back', async () => {
    const { store } = await setup();

    expect(await store.claim(EVENT, NOW, NOW - HOUR)).toBe(true);
    expect(await store.claim(EVENT, NOW + 1, NOW + 1 - HOUR)).toBe(false);

    expect(await store.get(EVENT.key)).toStrictEqual({
      ...EVENT,
      claimedAt: NOW,
    });
    await expect(store.get('breach|other')).resolves.toBeUndefined();
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const { store } = await setup();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.claim(EVENT, NOW, NOW - HOUR)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('records a sent event, which is never claimed again', async () => {
    const { store } = await setup();
    await store.claim(EVENT, NOW, NOW - HOUR);
    await store.markSent(EVENT.key, NOW + 5);

    expect(await store.get(EVENT.key)).toStrictEqual({
      ...EVENT,
      claimedAt: NOW,
      sentAt: NOW + 5,
    });
    expect(await store.sentKeys([EVENT.key, 'breach|other'])).toEqual(
      new Set([EVENT.key]),
    );
    // Not even once the claim is old: it was sent.
    const muchLater = NOW + 100 * HOUR;
    expect(await store.claim(EVENT, muchLater, muchLater - HOUR)).toBe(false);
    // Releasing a sent event changes nothing.
    await store.release(EVENT.key);
    expect(await store.sentKeys([EVENT.key])).toEqual(new Set([EVENT.key]));
  });

  it('frees a released claim for the next run', async () => {
    const { store } = await setup();
    await store.claim(EVENT, NOW, NOW - HOUR);
    await store.release(EVENT.key);

    await expect(store.get(EVENT.key)).resolves.toBeUndefined();
    expect(await store.sentKeys([EVENT.key])).toEqual(new Set());
    expect(await store.claim(EVENT, NOW + 1, NOW + 1 - HOUR)).toBe(true);
  });

  it('hands an unsent claim older than the stale limit to one later run', async () => {
    const { store } = await setup();
    await store.claim(EVENT, NOW, NOW - HOUR);

    // Still fresh: the first run may be sending it right now.
    const soon = NOW + HOUR / 2;
    expect(await store.claim(EVENT, soon, soon - HOUR)).toBe(false);

    const later = NOW + 2 * HOUR;
    const takeovers = await Promise.all([
      store.claim(EVENT, later, later - HOUR),
      store.claim(EVENT, later, later - HOUR),
    ]);
    expect(takeovers.filter(Boolean)).toHaveLength(1);
    expect((await store.get(EVENT.key))?.claimedAt).toBe(later);
  });

  it('answers sentKeys for more keys than one statement may bind', async () => {
    const { store } = await setup();
    const keys = Array.from({ length: 1200 }, (_, i) => `review-due|e${i}`);
    for (const key of [keys[0], keys[700], keys[1199]]) {
      await store.claim({ ...EVENT, key, kind: 'review-due' }, NOW, NOW - HOUR);
      await store.markSent(key, NOW);
    }
    // Claimed but unsent keys are not reported as sent.
    await store.claim(
      { ...EVENT, key: keys[5], kind: 'review-due' },
      NOW,
      NOW - HOUR,
    );

    expect(await store.sentKeys(keys)).toEqual(
      new Set([keys[0], keys[700], keys[1199]]),
    );
  });
});
