import type { LogEvent } from '../../core/logs/log-event.js';
import type { LogEntry as CoreLogEntry } from '../../core/logs/log-types.js';
import { naiveLocalIso } from '../../core/time/iso-format.js';
import type { LogEntry } from '../../schema/logs/logs.type.js';

/** A journal entry in the contract's form: the timestamp as naive local time, as the reference writes it. */
export function toLogEntry(entry: CoreLogEntry): LogEntry {
  return { ...entry, timestamp: naiveLocalIso(entry.timestamp) };
}

/** The contract form of a live event, made once and shared by every subscriber of its follower. */
export function liveLogEntry(event: LogEvent): LogEntry {
  return event.encoded('graphql', toLogEntry);
}
