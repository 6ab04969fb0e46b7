import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { classifySmtpError, smtpTransport } from './transport.ts';

describe('SMTP errors', () => {
  it.each([
    [{ responseCode: 421, code: 'EPROTOCOL', message: 'busy' }, true],
    [{ responseCode: 451, code: 'EMESSAGE', message: 'later' }, true],
    [{ responseCode: 550, code: 'EENVELOPE', message: 'no such user' }, false],
    [{ responseCode: 554, code: 'EMESSAGE', message: 'spam' }, false],
    [{ code: 'ECONNECTION', message: 'refused' }, true],
    [{ code: 'ETIMEDOUT', message: 'timeout' }, true],
    [{ code: 'EENVELOPE', message: 'no recipients defined' }, false],
  ])('%o transient: %s', (err, transient) => {
    expect(classifySmtpError(Object.assign(new Error(err.message), err)).transient).toBe(transient);
  });

  it('a server that is down is a transient failure', async () => {
    // Take a free port and release it: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const err = await smtpTransport(`smtp://127.0.0.1:${port}`).sendMail({ from: 'a@x.io', to: 'b@x.io', text: 'hi' }).catch((e: unknown) => e);
    expect(classifySmtpError(err)).toMatchObject({ transient: true, code: null });
  });

  it('names the variable for a URL that is not SMTP', () => {
    expect(() => smtpTransport('http://mail.example.com')).toThrow(/FORESIGHT_SMTP_URL: scheme "http:"/);
  });
});
