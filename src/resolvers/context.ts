import type { Caller } from '../core/auth/auth-types.js';
import type { Deps } from '../core/ports.js';

export interface GqlContext {
  deps: Deps;
  /** The authenticated device, absent for anonymous callers. */
  caller?: Caller;
  /** The client address, for brute-force limits on the public key operations. */
  clientKey: string;
  /** The request's variables as sent, before defaults were filled in (see supplied-field.ts). */
  rawVariables?: Record<string, unknown>;
}

/** For resolvers behind @Authorized(): the caller is known to exist. */
export function callerOf(ctx: GqlContext): Caller {
  if (!ctx.caller) throw new Error('callerOf used outside an authorized resolver');
  return ctx.caller;
}
