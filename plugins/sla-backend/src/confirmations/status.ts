import {
  ConfirmationStatus,
  daysUntil,
  ReviewDetail,
  reviewState,
} from '@servicelevel/plugin-sla-common';
import type { Confirmation } from '../database';

export type ConfirmationState = ConfirmationStatus['state'];

/**
 * confirmed: the latest terms version has a confirmation; changed-since-confirmation: an older
 * version was confirmed but the terms changed since; unconfirmed: no version ever was.
 */
export function confirmationState(
  latestVersion: number,
  confirmations: Confirmation[],
): { state: ConfirmationState; latest?: Confirmation } {
  const ofLatest = confirmations.find(c => c.termsVersion === latestVersion);
  if (ofLatest) return { state: 'confirmed', latest: ofLatest };
  if (confirmations.length > 0) {
    return { state: 'changed-since-confirmation', latest: confirmations[0] };
  }
  return { state: 'unconfirmed' };
}

/**
 * The review flag of an agreement as the API serves it: the state from sla-common's
 * `reviewState` (the one rule, in the entity's zone) with the date and the days left.
 */
export function reviewDetail(
  reviewBy: string | undefined,
  now: number,
  zone: string,
): ReviewDetail {
  const state = reviewState(reviewBy, now, zone);
  if (state === 'none') return { state };
  return { state, reviewBy, daysLeft: daysUntil(reviewBy!, now, zone) };
}
