import { Duration, Token } from 'aws-cdk-lib';

/**
 * Validation helpers shared by the constructs. Every message names the prop, what is allowed and
 * what was received, so the user knows what to change. Values that are unresolved tokens are not
 * checked: their value is only known at deploy time.
 */

/** Throws a plain Error (aws-cdk-lib's ValidationError is internal and its constructor changes). */
export function fail(message: string): never {
  throw new Error(message);
}

/** True when the value is known at synth time. */
export function isResolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return !Token.isUnresolved(value);
}

/** `name must be between min and max, got value` for integers. */
export function checkIntegerRange(name: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const suffix = unit ? ` ${unit}` : '';
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer between ${min} and ${max}${suffix}, got ${value}`);
  }
}

/** Whole days of a Duration, or a clear error naming the prop. */
export function wholeDays(name: string, value: Duration): number | undefined {
  if (value.isUnresolved()) return undefined;
  const days = value.toMilliseconds({ integral: false }) / 86_400_000;
  if (!Number.isInteger(days)) {
    fail(`${name} must be a whole number of days, got ${value.toHumanString()}`);
  }
  return days;
}

/** "Provide either X or Y, but not both" when both are set. */
export function checkNotBoth(nameA: string, a: unknown, nameB: string, b: unknown): void {
  if (a !== undefined && b !== undefined) {
    fail(`Provide either ${nameA} or ${nameB}, but not both`);
  }
}

/**
 * ElastiCache identifiers (replication group id, cache cluster id):
 * 1..maxLength letters, digits or hyphens, starting with a letter, no trailing hyphen, no two
 * consecutive hyphens. ElastiCache stores them lower-case, so we require lower case: the id in the
 * app, in CloudWatch dimensions and in the console then agree.
 */
export function checkIdentifier(name: string, value: string | undefined, maxLength: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length < 1 || value.length > maxLength) {
    fail(`${name} must be 1 to ${maxLength} characters long, got ${value.length} ('${value}')`);
  }
  if (!/^[A-Za-z]/.test(value)) {
    fail(`${name} must start with a letter, got '${value}'`);
  }
  if (!/^[A-Za-z0-9-]+$/.test(value)) {
    fail(`${name} may contain only letters, digits and hyphens, got '${value}'`);
  }
  if (value.endsWith('-') || value.includes('--')) {
    fail(`${name} cannot end with a hyphen or contain two consecutive hyphens, got '${value}'`);
  }
  if (value !== value.toLowerCase()) {
    fail(`${name} must be lower case (ElastiCache stores it lower-case), got '${value}': use '${value.toLowerCase()}'`);
  }
}

/** Snapshot names: a letter first, then letters, digits and hyphens; no trailing hyphen, no '--'. */
export function checkSnapshotName(name: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(value) || value.endsWith('-') || value.includes('--')) {
    fail(`${name} must start with a letter and contain only letters, digits and hyphens, with no trailing hyphen and no '--', got '${value}'`);
  }
}

/** 1..65535. */
export function checkPort(name: string, value: number | undefined): void {
  checkIntegerRange(name, value, 1, 65535);
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
/** ElastiCache's shortest maintenance and snapshot window. */
export const MIN_WINDOW_MINUTES = 60;

function clock(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** A window as [start, end) minutes; end may exceed the period when it wraps. */
export interface Window {
  readonly start: number;
  readonly length: number;
}

/** Parses `hh24:mi-hh24:mi` (UTC, daily). */
export function parseSnapshotWindow(name: string, value: string | undefined): Window | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  const parts = value.split('-');
  const start = parts.length === 2 ? clock(parts[0]) : undefined;
  const end = parts.length === 2 ? clock(parts[1]) : undefined;
  if (start === undefined || end === undefined) {
    fail(`${name} must have the format hh24:mi-hh24:mi (UTC), e.g. '03:00-04:00', got '${value}'`);
  }
  const length = (end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  if (length < MIN_WINDOW_MINUTES) {
    fail(`${name} must be at least ${MIN_WINDOW_MINUTES} minutes long, got ${length} minutes ('${value}')`);
  }
  return { start, length };
}

/** Parses `ddd:hh24:mi-ddd:hh24:mi` (UTC, weekly). */
export function parseMaintenanceWindow(name: string, value: string | undefined): Window | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  const m = /^([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)$/.exec(value.toLowerCase());
  const startDay = m ? DAYS.indexOf(m[1]) : -1;
  const endDay = m ? DAYS.indexOf(m[3]) : -1;
  const startClock = m ? clock(m[2]) : undefined;
  const endClock = m ? clock(m[4]) : undefined;
  if (startDay < 0 || endDay < 0 || startClock === undefined || endClock === undefined) {
    fail(`${name} must have the format ddd:hh24:mi-ddd:hh24:mi (UTC) with ddd one of ${DAYS.join(', ')}, e.g. 'sun:05:00-sun:06:00', got '${value}'`);
  }
  const start = startDay * MINUTES_PER_DAY + startClock;
  const end = endDay * MINUTES_PER_DAY + endClock;
  const length = (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  if (length < MIN_WINDOW_MINUTES) {
    fail(`${name} must be at least ${MIN_WINDOW_MINUTES} minutes long, got ${length} minutes ('${value}')`);
  }
  return { start, length };
}

/** Whether a daily snapshot window overlaps a weekly maintenance window. */
export function windowsOverlap(snapshot: Window, maintenance: Window): boolean {
  const overlaps = (aStart: number, aLen: number, bStart: number, bLen: number) =>
    aStart < bStart + bLen && bStart < aStart + aLen;
  // Lay the daily window on each day of the week, and the weekly window on this week and the next
  // (a maintenance window may wrap from Saturday into Sunday).
  for (let day = -1; day <= 7; day++) {
    const s = day * MINUTES_PER_DAY + snapshot.start;
    for (const shift of [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK]) {
      if (overlaps(s, snapshot.length, maintenance.start + shift, maintenance.length)) return true;
    }
  }
  return false;
}
