import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for tests: keeps every accepted message,
 * parsed, and can be told to refuse the next messages or given recipients
 * with an SMTP reply code.
 */
export async function startTestSmtp(opts: { parse?: boolean } = {}) {
  const parse = opts.parse ?? true;
  const mails: ParsedMail[] = [];
  let received = 0;
  /** Message-IDs of unparsed messages, read from the header: how load tests find duplicates cheaply. */
  const messageIds: string[] = [];
  const failures: { code: number; message: string }[] = [];
  const rejectRecipients = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A reverse DNS lookup per connection only slows tests down.
    disableReverseLookup: true,
    // Senders keep pooled connections open; on close, end them at once instead of waiting for them.
    closeTimeout: 50,
    onRcptTo(address, _session, callback) {
      const code = rejectRecipients.get(address.address.toLowerCase());
      if (!code) return callback();
      callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: code }));
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
        (mail) => {
          const failure = failures.shift();
          if (failure) return callback(Object.assign(new Error(failure.message), { responseCode: failure.code }));
          mails.push(mail);
          received++;
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  // A sender killed mid-message resets its connection: expected in crash tests, not an error of the sink.
  server.on('error', () => undefined);
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
    rejectRecipient(address: string, code: number) {
      rejectRecipients.set(address.toLowerCase(), code);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestSmtp = Awaited<ReturnType<typeof startTestSmtp>>;
