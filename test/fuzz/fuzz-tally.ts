// What a fuzz run saw: counts to quote, and every answer that breaks the rules, with enough to replay it.

/** An answer that reveals the server's insides: a stack frame, a source path, an internal module. */
export function leaksInternals(text: string): boolean {
  return /\n\s+at\s|\bat\s+\S+\s\(.*:\d+:\d+\)|file:\/\/|node_modules|\/src\/\S+\.(ts|js)\b|\.ts:\d+/.test(text);
}

export interface Answer {
  status?: number;
  body: string;
  timedOut?: boolean;
  /** A WebSocket's close code, when the server closed it. */
  closeCode?: number;
}

// 1011 (ws) and 4500 (graphql-ws): the server closed a socket because of its own error
const INTERNAL_CLOSE_CODES = [1011, 4500];

export class FuzzTally {
  sent = 0;
  serverErrors = 0;
  unanswered = 0;
  private readonly statuses = new Map<string, number>();
  private readonly kinds = new Map<string, number>();
  private readonly problems: string[] = [];

  constructor(
    readonly family: string,
    readonly seed: number,
    /** What one recorded answer is: a request, a connection ... */
    readonly unit = 'requests',
  ) {}

  /** Records one answer; `mayDrop` allows a closed connection without an answer. */
  record(kind: string, description: string, answer: Answer, mayDrop = false): void {
    this.sent++;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    const status = answer.timedOut ? 'timeout' : String(answer.status ?? 'none');
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (answer.status === undefined && !answer.timedOut) this.unanswered++;
    // Apollo answers a resolver crash with 200 and INTERNAL_SERVER_ERROR: a 5xx in all but status
    const internal = /"INTERNAL_SERVER_ERROR"/.test(answer.body) || INTERNAL_CLOSE_CODES.includes(answer.closeCode ?? 0);
    if ((answer.status ?? 0) >= 500 || internal) {
      this.serverErrors++;
      const why = answer.closeCode ? `closed ${answer.closeCode} ` : internal ? '(INTERNAL_SERVER_ERROR) ' : '';
      this.problem(`${answer.status} ${why}[${kind}] ${description}: ${answer.body.slice(0, 300)}`);
    }
    if (answer.timedOut) this.problem(`no answer in time [${kind}] ${description}`);
    if (answer.status === undefined && !answer.timedOut && !mayDrop) this.problem(`connection closed without an answer [${kind}] ${description}`);
    if (leaksInternals(answer.body)) this.problem(`internals in the answer [${kind}] ${description}: ${answer.body.slice(0, 300)}`);
  }

  problem(text: string): void {
    if (this.problems.length < 40) this.problems.push(text);
    else if (this.problems.length === 40) this.problems.push('... (more left out)');
  }

  get failures(): readonly string[] {
    return this.problems;
  }

  summary(): string {
    const byStatus = [...this.statuses].sort().map(([s, n]) => `${s}: ${n}`).join(', ');
    const byKind = [...this.kinds].sort().map(([k, n]) => `${k} ${n}`).join(', ');
    return (
      `${this.family} fuzz (FUZZ_SEED=${this.seed}): ${this.sent} ${this.unit}, ${this.serverErrors} answered 5xx or an internal error, ` +
      `${this.unanswered} closed without an answer\n  by status: ${byStatus}\n  by kind: ${byKind}`
    );
  }
}

/** Runs `task` over `count` items with at most `concurrency` in flight, stopping early when `deadline` passes. */
export async function runPool(count: number, concurrency: number, deadline: number, task: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return next;
}
