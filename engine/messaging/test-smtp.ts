import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for tests: keeps every accepted message,
 * parsed, and can be told to refuse the next messages or given recipients
 * with an SMTP reply code.
 */
export async function startTestSmtp(opts: { parse?: boolean; /** Holds each accepted message this long before answering (mail on the wire). */ delayMs?: number } = {}) {
  const parse = opts.parse ?? true;
  const answer = (callback: (err?: Error) => void, err?: Error) => (opts.delayMs ? setTimeout(() => callback(err), opts.delayMs) : callback(err));
  const mails: ParsedMail[] = [];
  let received = 0;
  /** Message-IDs of unparsed messages, read from the header: how load tests find duplicates cheaply. */
  const messageIds: string[] = [];
  const failures: { code: number; message: string }[] = [];
  const rejectRecipients = new Map<string, { code: number; message?: string }>();
  const holds: { arrived: () => void; released: Promise<void> }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A reverse DNS lookup per connection only slows tests down.
    disableReverseLookup: true,
    // Senders keep pooled connections open; on close, end them at once instead of waiting for them.
    closeTimeout: 50,
    onRcptTo(address, _session, callback) {
      const code = rejectRecipients.get(address.address.toLowerCase())?.code;
      if (!code) return callback();
      const rule = rejectRecipients.get(address.address.toLowerCase())!;
      callback(Object.assign(new Error(rule.message ?? `${code >= 500 ? '5.1.1' : '4.2.1'} <${address.address}>: Recipient address rejected: mailbox unavailable`), { responseCode: code }));
    },
    onData(stream, _session, callback) {
      if (!parse) {
        // Benchmarks and load tests measure the sender: count the message, skip parsing it.
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          if (head.length < 4096) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1];
          if (id) messageIds.push(id);
          received++;
          callback();
        });
        return;
      }
      simpleParser(stream).then(
        async (mail) => {
          const hold = holds.shift();
          if (hold) {
            hold.arrived();
            await hold.released;
          }
          const failure = failures.shift();
          if (failure) return answer(callback, Object.assign(new Error(failure.message), { responseCode: failure.code }));
          mails.push(mail);
          received++;
          answer(callback);
        },
        (err: Error) => callback(err),
      );
    },
  });
  // A client killed mid-session (the crash tests SIGKILL senders) resets its socket: expected, not a test failure.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET') throw err;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    messageIds,
    /** Messages accepted (parsed or not). */
    received: () => received,
    /** The next `times` messages are refused with this reply. */
    failNext(code: number, message: string, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ code, message });
    },
    /** Holds the next message before answering its DATA: `arrived` resolves once it is on the wire, `release` lets the reply go. */
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      const onWire = new Promise<void>((r) => (arrived = r));
      holds.push({ arrived, released: new Promise<void>((r) => (release = r)) });
      return { arrived: onWire, release };
    },
    /** Forgets refusals queued by failNext that were not used up. */
    clearFailures() {
      failures.length = 0;
    },
    /** Refuses this recipient at RCPT TO; the default text carries RFC 3463 status 5.1.1 (4.2.1 for 4xx). */
    rejectRecipient(address: string, code: number, message?: string) {
      rejectRecipients.set(address.toLowerCase(), { code, message });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestSmtp = Awaited<ReturnType<typeof startTestSmtp>>;
