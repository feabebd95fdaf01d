import { pino, type Logger as Pino } from 'pino';
import type { Logger } from '../../core/ports.js';

/** Structured JSON logs on stderr-free stdout; secrets never reach it (callers pass no tokens). */
export function createPino(level: string): Pino {
  return pino({ level, redact: ['req.headers.authorization', 'token', '*.token'] });
}

export function toLogger(base: Pino): Logger {
  return {
    info: (msg, fields) => base.info(fields ?? {}, msg),
    warn: (msg, fields) => base.warn(fields ?? {}, msg),
    error: (msg, fields) => base.error(fields ?? {}, msg),
  };
}
