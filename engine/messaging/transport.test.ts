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

  it.each([
    [{ responseCode: 550, code: 'EENVELOPE', response: '550 5.1.1 <a@x.io>: Recipient address rejected: User unknown' }, 'recipient', '5.1.1'],
    [{ responseCode: 550, code: 'EENVELOPE', response: '550 5.1.10 Recipient address has null MX' }, 'recipient', '5.1.10'],
    [{ responseCode: 550, code: 'EENVELOPE', response: '550 5.2.1 Mailbox disabled' }, 'recipient', '5.2.1'],
    [{ responseCode: 550, code: 'EENVELOPE', response: '550 User unknown in local recipient table' }, 'recipient', null],
    [{ responseCode: 550, code: 'EENVELOPE', response: '550 5.7.1 <a@x.io>: Relay access denied' }, 'relay', '5.7.1'],
    [{ responseCode: 554, code: 'EENVELOPE', response: '554 5.7.1 Service unavailable; client host blocked' }, 'relay', '5.7.1'],
    [{ responseCode: 550, code: 'EMESSAGE', response: '550 Relaying denied' }, 'relay', null],
    [{ responseCode: 553, code: 'EENVELOPE', response: '553 5.1.8 Sender address rejected: domain not found' }, 'relay', '5.1.8'],
    [{ responseCode: 535, code: 'EAUTH', response: '535 5.7.8 Authentication credentials invalid' }, 'relay', '5.7.8'],
    [{ code: 'EAUTH', response: 'Missing credentials for "PLAIN"' }, 'relay', null],
    [{ responseCode: 552, code: 'EMESSAGE', response: '552 5.3.4 Message size exceeds fixed limit' }, 'message', '5.3.4'],
    [{ responseCode: 550, code: 'EMESSAGE', response: '550 Message rejected' }, 'message', null],
    [{ responseCode: 450, code: 'EENVELOPE', response: '450 4.1.1 mailbox temporarily unavailable' }, 'transient', '4.1.1'],
  ])('%o is a %s fault (status %s)', (err, fault, status) => {
    expect(classifySmtpError(Object.assign(new Error(`failed: ${err.response}`), err))).toMatchObject({ fault, status });
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
