/** Why an upgrade was refused a pending slot. */
export type PendingRefusal = 'server-full' | 'address-full';

/**
 * Counts WebSocket connections that have not sent `connection_init` yet (globally and per client
 * address), so a client cannot hold many idle unauthenticated sockets open.
 */
export class PendingSockets {
  private total = 0;
  private readonly byAddress = new Map<string, number>();
  private readonly held = new WeakMap<object, string>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Takes a slot for `key` (the upgrade request); a refusal reason when none is free. */
  reserve(key: object, address: string): PendingRefusal | undefined {
    const fromAddress = this.byAddress.get(address) ?? 0;
    if (fromAddress >= this.maxPerAddress) return 'address-full';
    if (this.total >= this.maxTotal) return 'server-full';
    this.total += 1;
    this.byAddress.set(address, fromAddress + 1);
    this.held.set(key, address);
    return undefined;
  }

  /** Frees `key`'s slot; safe to call more than once. */
  release(key: object): void {
    const address = this.held.get(key);
    if (address === undefined) return;
    this.held.delete(key);
    this.total -= 1;
    const left = (this.byAddress.get(address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }
}
