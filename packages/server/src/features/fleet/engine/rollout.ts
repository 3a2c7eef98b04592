import { createHash } from 'node:crypto';
import type { Rollout, TimeWindow } from '../model/shift-spec.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * The first wave: the listed canaries, or `canaryPercent` of the targets (rounded
 * up) picked by a stable hash of their refs, so the same spec always picks the
 * same repositories and the pick spreads across owners rather than taking the
 * alphabetically first.
 *
 * @example
 * canaryRefs(['component:default/a', 'component:default/b'], { canary: [], canaryPercent: 50, concurrency: 4 })
 */
export function canaryRefs(entityRefs: readonly string[], rollout: Rollout): Set<string> {
  if (rollout.canary.length > 0) {
    const wanted = new Set(rollout.canary.map((r) => r.toLowerCase()));
    return new Set(entityRefs.filter((r) => wanted.has(r.toLowerCase())));
  }
  if (!rollout.canaryPercent) return new Set();
  const count = Math.ceil((entityRefs.length * rollout.canaryPercent) / 100);
  const ranked = [...entityRefs].sort((a, b) => stableRank(a).localeCompare(stableRank(b)));
  return new Set(ranked.slice(0, count));
}

function stableRank(ref: string): string {
  return createHash('sha1').update(ref).digest('hex');
}

/**
 * Whether `at` falls inside the window (weekday and `HH:MM-HH:MM` in the window's
 * time zone; an end before the start spans midnight). No window means always open.
 *
 * @example
 * isWithinWindow({ days: ['mon'], start: '09:00', end: '17:00', timezone: 'UTC' }, new Date('2026-11-23T10:00:00Z')) // true
 */
export function isWithinWindow(window: TimeWindow | undefined, at: Date): boolean {
  if (!window) return true;
  const { day, minutes } = localDayAndMinutes(at, window.timezone);
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  const days = new Set(window.days.map((d) => d.toLowerCase()));
  if (start <= end) return days.has(day) && minutes >= start && minutes < end;
  // Overnight window: the part after midnight belongs to the previous day's window.
  if (minutes >= start) return days.has(day);
  const previousDay = DAY_NAMES[(DAY_NAMES.indexOf(day as (typeof DAY_NAMES)[number]) + 6) % 7] as string;
  return minutes < end && days.has(previousDay);
}

/**
 * The first minute at or after `from` inside the window (searched minute by
 * quarter hour for up to 8 days), or undefined when the window never opens.
 *
 * @example
 * nextWindowOpening(workingHours, new Date('2026-11-28T12:00:00Z')) // Monday 09:00
 */
export function nextWindowOpening(window: TimeWindow | undefined, from: Date): Date | undefined {
  if (isWithinWindow(window, from)) return from;
  const step = 60_000;
  // Align to the next whole minute, then walk; 8 days of minutes is 11,520 checks at most.
  let t = Math.ceil(from.getTime() / step) * step;
  const limit = from.getTime() + 8 * 24 * 60 * step;
  for (; t <= limit; t += step) {
    if (isWithinWindow(window, new Date(t))) return new Date(t);
  }
  return undefined;
}

/**
 * When the next change may be published under `perHour`: now if fewer than
 * `perHour` were published in the last hour, else one hour after the oldest of
 * those. `publishedAt` holds ISO times in ascending order.
 *
 * @example
 * nextPublishSlot(['2026-11-25T10:00:00Z'], 1, new Date('2026-11-25T10:30:00Z')) // 11:00
 */
export function nextPublishSlot(publishedAt: readonly string[], perHour: number | undefined, now: Date): Date {
  if (!perHour) return now;
  const hourAgo = now.getTime() - 3_600_000;
  const recent = publishedAt.map((t) => Date.parse(t)).filter((t) => t > hourAgo);
  if (recent.length < perHour) return now;
  const oldestThatCounts = recent[recent.length - perHour] as number;
  return new Date(oldestThatCounts + 3_600_000);
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

// Building a DateTimeFormat costs far more than using one; window searches call this often.
const formatters = new Map<string, Intl.DateTimeFormat>();

function localDayAndMinutes(at: Date, timezone: string): { day: string; minutes: number } {
  const zone = timezone || 'UTC';
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: get('weekday').toLowerCase().slice(0, 3), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}
