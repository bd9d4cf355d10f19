import { daysUntil } from './dates';

/** Days before `review-by` from which an agreement is flagged as due. */
export const REVIEW_DUE_DAYS = 30;

/** Review flag of an agreement: none (no or an invalid `review-by`), ok, due-soon, overdue. */
export type ReviewState = 'none' | 'ok' | 'due-soon' | 'overdue';

/**
 * Review state of an agreement: overdue once `review-by` has passed (the day itself is still
 * in time), due-soon when it falls within the next {@link REVIEW_DUE_DAYS} days, counted in
 * calendar days of the entity's zone.
 */
export function reviewState(
  reviewBy: string | undefined,
  now: number,
  zone: string,
): ReviewState {
  if (!reviewBy) return 'none';
  const days = daysUntil(reviewBy, now, zone);
  if (days === undefined) return 'none';
  if (days < 0) return 'overdue';
  return days <= REVIEW_DUE_DAYS ? 'due-soon' : 'ok';
}
