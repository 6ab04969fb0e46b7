import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { ForesightError, errorMessage } from '../core/errors.ts';

/** The part of a nodemailer transporter the sender uses: anything that can send a message. */
export interface MailTransport {
  sendMail(message: Mail.Options): Promise<{ messageId?: string; rejected?: unknown[] }>;
}

/**
 * Composes each message in full (MIME, headers, links) and keeps it in memory
 * instead of delivering it: for the demo on a machine without a mail server.
 */
export function previewTransport(): MailTransport {
  return nodemailer.createTransport({ streamTransport: true, buffer: true });
}

/**
 * Bounds on a mail server that accepts a connection and then stalls: without them one
 * silent server holds a delivery lane for up to ten minutes (nodemailer's defaults).
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 };

/** An SMTP transport from a URL such as `smtp://user:pass@mail.example.com:587` or `smtps://…`. */
export function smtpTransport(url: string, timeouts: Partial<typeof SMTP_TIMEOUTS> = {}): MailTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ForesightError('invalid_config', `FORESIGHT_SMTP_URL: "${url}" is not a URL; use smtp://user:pass@host:587 or smtps://host:465`, { field: 'FORESIGHT_SMTP_URL' });
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ForesightError('invalid_config', `FORESIGHT_SMTP_URL: scheme "${parsed.protocol}" is not supported; use smtp:// or smtps://`, { field: 'FORESIGHT_SMTP_URL' });
  }
  // Pooled: reusing connections makes a batch of sends several times faster than a handshake per
  // mail. Idle connections close on their own, so nothing is left open when sending stops.
  return nodemailer.createTransport({ url, pool: true, idleTimeout: 10_000, ...SMTP_TIMEOUTS, ...timeouts });
}

/**
 * Whose fault a failed send is, which decides what happens next:
 * - `transient`: try again later (4xx replies, no reply at all: refused, timed out, TLS);
 * - `recipient`: the recipient's address is bad for good (RFC 3463 5.1.x, 5.2.1): suppress it;
 * - `relay`: our own relay refused to carry mail (5.7.x policy/auth, relaying denied, sender
 *   rejected): nothing is wrong with the recipient, so hold the mail and pause delivery;
 * - `message`: this message cannot be sent (size, content, syntax): fail it, suppress nothing.
 */
export type SmtpFault = 'transient' | 'recipient' | 'relay' | 'message';

export interface SmtpFailure {
  fault: SmtpFault;
  /** True when trying again later may succeed (4xx replies, network trouble). */
  transient: boolean;
  /** The server reply code, when the server answered. */
  code: number | null;
  /** The RFC 3463 enhanced status code in the reply, e.g. `5.1.1`. */
  status: string | null;
  reason: string;
  /** Recipients the server refused outright. */
  rejected: string[];
}

// Failures of the message itself: resending the same message cannot help.
const PERMANENT_WITHOUT_REPLY = new Set(['EENVELOPE', 'EMESSAGE']);
// 5.1.5 says the address is fine; 5.1.7/5.1.8 are about the sender: ours, so not the recipient's fault.
const NOT_RECIPIENT = new Set(['5.1.5', '5.1.7', '5.1.8']);
// Servers that send no enhanced code: wording that means "no such mailbox" or "not our relay".
const RECIPIENT_TEXT = /user unknown|unknown (user|recipient)|no such (user|mailbox|recipient)|does not exist|mailbox (is )?(unavailable|not found)|invalid recipient|recipient (address )?rejected/i;
const RELAY_TEXT = /relay|authenticat|auth required|not permitted|access denied|sender (address )?rejected|spf|dmarc|blocked|blacklist|policy/i;

/**
 * Sorts a send error per RFC 5321 (4xx transient, 5xx permanent; no reply is transient) and,
 * for permanent ones, per the RFC 3463 enhanced status class: only a recipient hard bounce
 * may suppress an address.
 */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e = (err ?? {}) as { responseCode?: number; code?: string; rejected?: unknown; response?: unknown };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const transient = e.code === 'EAUTH' ? false : code !== null ? code < 500 : !PERMANENT_WITHOUT_REPLY.has(String(e.code));
  const rejected = Array.isArray(e.rejected) ? e.rejected.map(String) : [];
  const text = `${typeof e.response === 'string' ? e.response : ''} ${errorMessage(err)}`;
  const status = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(text)?.[0] ?? null;
  return { fault: transient ? 'transient' : permanentFault(e.code, code, status, text), transient, code, status, reason: `SMTP ${code ?? e.code ?? 'error'}: ${errorMessage(err)}`, rejected };
}

function permanentFault(errCode: string | undefined, code: number | null, status: string | null, text: string): SmtpFault {
  if (errCode === 'EAUTH' || code === 530 || code === 535) return 'relay';
  if (status) {
    if (status.startsWith('5.7.') || NOT_RECIPIENT.has(status)) return 'relay';
    if (status.startsWith('5.1.') || status === '5.2.1') return 'recipient';
    return 'message';
  }
  if (RELAY_TEXT.test(text)) return 'relay';
  return RECIPIENT_TEXT.test(text) ? 'recipient' : 'message';
}
