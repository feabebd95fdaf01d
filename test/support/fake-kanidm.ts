import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface KanidmRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

/** An answer forced on the next request: a raw status and body (after a delay), no answer at all, or a dropped connection. */
export type ForcedAnswer = { status: number; body: string; delayMs?: number } | 'hang' | 'drop';

interface Group {
  members: Set<string>;
  description?: string;
  builtin: boolean;
}

/** Built-in groups every person is in (never shown by the API). */
const DEFAULT_GROUPS = ['idm_all_persons', 'idm_all_accounts'];

/**
 * A local HTTP server answering like Kanidm's REST API (`/v1/person`, `/v1/group`, member attributes,
 * the credential update intent): it keeps persons and groups in memory, answers `"notauthenticated"`
 * to tokens it does not know, and records every request. `force` makes it misbehave.
 */
export class FakeKanidm {
  readonly requests: KanidmRequest[] = [];
  readonly tokens = new Set<string>();
  readonly persons = new Map<string, { displayname: string; mail: string[] }>();
  readonly groups = new Map<string, Group>();
  private readonly forced: ForcedAnswer[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private intents = 0;
  /** Set by start(); kept after close() (a test may ask a closed Kanidm). */
  url = '';

  constructor(readonly domain = 'example.org') {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    for (const name of DEFAULT_GROUPS) this.groups.set(name, { members: new Set(), builtin: true });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next requests get these answers, in order, whatever they ask. */
  force(...answers: ForcedAnswer[]): void {
    this.forced.push(...answers);
  }

  addGroup(name: string, members: string[] = [], description?: string): void {
    this.groups.set(name, { members: new Set(members), description, builtin: false });
  }

  addPerson(name: string, groups: string[] = [], displayname = name): void {
    this.persons.set(name, { displayname, mail: [`${name}@${this.domain}`] });
    for (const g of [...DEFAULT_GROUPS, ...groups]) this.groups.get(g)!.members.add(name);
  }

  /** Requests after the token check, without the probes: what the API asked for. */
  calls(): { method: string; path: string; body: unknown }[] {
    return this.requests.map(({ method, path, body }) => ({ method, path, body }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: req.method!, path: req.url!, body, authorization: req.headers.authorization });
    const forced = this.forced.shift();
    if (forced === 'hang') return;
    if (forced === 'drop') return void req.socket.destroy();
    if (forced?.delayMs) await new Promise((resolve) => setTimeout(resolve, forced.delayMs));
    if (forced) return void res.writeHead(forced.status, { 'content-type': 'application/json' }).end(forced.body);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (!token || !this.tokens.has(token)) return send(res, 401, 'notauthenticated');
    const [status, answer] = this.route(req.method!, req.url!.replace(/^\/v1\//, '').split('/').map(decodeURIComponent), body);
    send(res, status, answer);
  }

  private route(method: string, parts: string[], body: unknown): [number, unknown] {
    const [kind, name, attr, sub] = parts;
    if (kind === 'person' && name === undefined && method === 'GET') return [200, [...this.persons.keys()].map((n) => this.personEntry(n))];
    if (kind === 'person' && name === undefined && method === 'POST') return this.createPerson(body);
    if (kind === 'person' && name !== undefined && attr === undefined) return this.personCall(method, name, body);
    if (kind === 'person' && attr === '_credential' && sub === '_update_intent' && method === 'GET') {
      if (!this.persons.has(name!)) return [404, 'nomatchingentries'];
      return [200, { token: `intent-${++this.intents}`, expiry_time: 3600 }];
    }
    if (kind === 'group' && name === undefined && method === 'GET') return [200, [...this.groups.keys()].map((g) => this.groupEntry(g))];
    if (kind === 'group' && name === undefined && method === 'POST') {
      const attrs = (body as { attrs: Record<string, string[]> }).attrs;
      if (this.groups.has(attrs.name![0]!)) return [409, { plugin: { attrunique: { conflicting_attributes: ['name'] } } }];
      this.addGroup(attrs.name![0]!, [], attrs.description?.[0]);
      return [200, null];
    }
    if (kind === 'group' && name !== undefined && attr === undefined && method === 'GET') return [200, this.groups.has(name) ? this.groupEntry(name) : null];
    if (kind === 'group' && attr === '_attr' && sub === 'member') {
      const group = this.groups.get(name!);
      const names = body as string[];
      if (!group || names.some((n) => !this.persons.has(n) && !this.groups.has(n))) return [404, 'nomatchingentries'];
      for (const n of names) (method === 'DELETE' ? group.members.delete(n) : group.members.add(n));
      return [200, null];
    }
    return [404, 'nomatchingentries'];
  }

  private createPerson(body: unknown): [number, unknown] {
    const attrs = (body as { attrs: Record<string, string[]> }).attrs;
    const name = attrs.name![0]!;
    if (this.persons.has(name)) return [409, { plugin: { attrunique: { conflicting_attributes: ['name'] } } }];
    this.addPerson(name, [], attrs.displayname![0]);
    this.persons.get(name)!.mail = attrs.mail!;
    return [200, null];
  }

  private personCall(method: string, name: string, body: unknown): [number, unknown] {
    if (method === 'GET') return [200, this.persons.has(name) ? this.personEntry(name) : null];
    const person = this.persons.get(name);
    if (!person) return [404, 'nomatchingentries'];
    if (method === 'DELETE') {
      this.persons.delete(name);
      for (const group of this.groups.values()) group.members.delete(name);
      return [200, null];
    }
    if (method === 'PATCH') {
      const attrs = (body as { attrs: Record<string, string[]> }).attrs;
      if (attrs.displayname) person.displayname = attrs.displayname[0]!;
      if (attrs.mail) person.mail = attrs.mail;
      return [200, null];
    }
    return [404, 'nomatchingentries'];
  }

  private direct(name: string): string[] {
    return [...this.groups].filter(([, g]) => g.members.has(name)).map(([g]) => g).sort();
  }

  private transitive(name: string): string[] {
    const found = new Set<string>();
    const walk = (n: string) => this.direct(n).forEach((g) => !found.has(g) && (found.add(g), walk(g)));
    walk(name);
    return [...found].sort();
  }

  private spn = (name: string) => `${name}@${this.domain}`;

  private personEntry(name: string) {
    const person = this.persons.get(name)!;
    return {
      attrs: {
        class: ['account', 'memberof', 'object', 'person'],
        name: [name],
        displayname: [person.displayname],
        mail: person.mail,
        spn: [this.spn(name)],
        directmemberof: this.direct(name).map(this.spn),
        memberof: this.transitive(name).map(this.spn),
      },
    };
  }

  private groupEntry(name: string) {
    const group = this.groups.get(name)!;
    return {
      attrs: {
        class: group.builtin ? ['builtin', 'group', 'object'] : ['group', 'memberof', 'object'],
        name: [name],
        spn: [this.spn(name)],
        member: [...group.members].sort().map(this.spn),
        directmemberof: this.direct(name).map(this.spn),
        memberof: this.transitive(name).map(this.spn),
        ...(group.description ? { description: [group.description] } : {}),
      },
    };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
