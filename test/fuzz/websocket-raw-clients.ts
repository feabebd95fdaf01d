import { invalidUtf8, junkString } from '../support/fuzz-values.js';
import { frame, rawWebSocket, upgradeRequest } from '../support/raw-websocket.js';
import { type Client, init } from './websocket-session.js';

// Clients that break the WebSocket layer itself: handshakes and frames the ws library would not send.

export const RAW_CLIENTS: Record<string, Client> = {
  'bad-handshake': async (ctx) => {
    const variant = ctx.rng.pick<() => [string, Buffer]>([
      () => ['no key', upgradeRequest('/graphql', { 'Sec-WebSocket-Key': null })],
      () => ['bad key', upgradeRequest('/graphql', { 'Sec-WebSocket-Key': junkString(ctx.rng).replace(/[^\x21-\x7e]/g, 'x') })],
      () => ['version 8', upgradeRequest('/graphql', { 'Sec-WebSocket-Version': '8' })],
      () => ['junk upgrade', upgradeRequest('/graphql', { Upgrade: 'h2c' })],
      () => ['junk protocol', upgradeRequest('/graphql', { 'Sec-WebSocket-Protocol': junkString(ctx.rng).replace(/[^\x21-\x7e]/g, 'x') })],
      () => ['old protocol', upgradeRequest('/graphql', { 'Sec-WebSocket-Protocol': 'graphql-ws' })],
      () => ['no protocol', upgradeRequest('/graphql', { 'Sec-WebSocket-Protocol': null })],
      () => ['other path', upgradeRequest(ctx.rng.pick(['/', '/graphql/', '/api/version', '/graphqlx', '/%ff', '/graphql%00', '/graphql?%zz']))],
      () => ['junk token query', upgradeRequest(`/graphql?token=${ctx.rng.pick(['%ff', '%', 'x', ''])}`)],
      () => ['junk authorization', upgradeRequest('/graphql', { Authorization: `Bearer ${junkString(ctx.rng).replace(/[^\x21-\x7e]/g, 'x')}` })],
      () => ['invalid bytes in the path', upgradeRequest(Buffer.concat([Buffer.from('/graphql?x='), invalidUtf8(ctx.rng)]))],
      () => ['POST upgrade', upgradeRequest('/graphql', {}, 'POST')],
    ]);
    const [description, handshake] = variant();
    const outcome = await rawWebSocket(ctx.port, handshake, [frame(1, Buffer.from(init(ctx.token)))], 1_000);
    return { description, status: outcome.status, body: outcome.text, closeCode: outcome.closeCode, timedOut: outcome.timedOut, messages: 1 };
  },
  'garbage-frames': async (ctx) => {
    const frames = Array.from({ length: ctx.rng.int(1, 4) }, () =>
      ctx.rng.pick<() => Buffer>([
        () => ctx.rng.bytes(ctx.rng.int(1, 300)),
        () => frame(1, Buffer.from(init(ctx.token)), { mask: false }),
        () => frame(1, Buffer.from('{}'), { rsv: ctx.rng.int(1, 7) }),
        () => frame(ctx.rng.pick([3, 4, 5, 6, 7, 11, 12, 15]), Buffer.from('x')),
        () => frame(1, invalidUtf8(ctx.rng)),
        () => frame(1, Buffer.from('{"type":'), { fin: false }),
        () => frame(9, Buffer.alloc(200)),
        () => frame(8, Buffer.from([0x03, 0xe7])),
        () => frame(8, Buffer.from([0x0b])),
        () => frame(1, Buffer.from('x'), { announcedLength: 2n ** 62n }),
        () => frame(1, Buffer.from('x'), { announcedLength: 70_000 }),
        () => frame(0, Buffer.from('continuation without start')),
      ])(),
    );
    const withInit = ctx.rng.chance(0.5) ? [frame(1, Buffer.from(init(ctx.token)))] : [];
    // a frame that only announces more data leaves the server waiting for it: the client gives up after 3 s
    const outcome = await rawWebSocket(ctx.port, upgradeRequest('/graphql'), [...withInit, ...frames], 3_000);
    return {
      description: `${frames.length} broken frames${withInit.length ? ' after init' : ''}`,
      status: outcome.status,
      body: outcome.text,
      closeCode: outcome.closeCode,
      timedOut: outcome.timedOut,
      messages: withInit.length + frames.length,
    };
  },
};
