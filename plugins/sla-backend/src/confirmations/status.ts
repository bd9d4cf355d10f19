import { DateTime } from 'luxon';
import type { Confirmation } from './DatabaseConfirmationStore';

/** Days before `review-by` from which an agreement is flagged as due. */
export const REVIEW_DUE_DAYS = 30;

export type ConfirmationState =
  | 'confirmed'
  | 'changed-since-confirmation'
  | 'unconfirmed';

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

export type ReviewState = 'none' | 'ok' | 'due-soon' | 'overdue';

/**
 * Review flag of an agreement: overdue once `review-by` has passed (the day itself is still in
 * time), due-soon when it falls within the next 30 days, counted in calendar days of the
 * entity's zone.
 */
export function reviewState(
  reviewBy: string | undefined,
  now: number,
  zone: string,
): { state: ReviewState; reviewBy?: string; daysLeft?: number } {
  if (!reviewBy) return { state: 'none' };
  const due = DateTime.fromISO(reviewBy, { zone });
  if (!due.isValid) return { state: 'none' };
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const daysLeft = Math.round(due.startOf('day').diff(today, 'days').days);
  let state: ReviewState = 'ok';
  if (daysLeft < 0) state = 'overdue';
  else if (daysLeft <= REVIEW_DUE_DAYS) state = 'due-soon';
  return { state, reviewBy, daysLeft };
}
