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

/** An SMTP transport from a URL such as `smtp://user:pass@mail.example.com:587` or `smtps://…`. */
export function smtpTransport(url: string): MailTransport {
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
  return nodemailer.createTransport({ url, pool: true, idleTimeout: 10_000 });
}

export interface SmtpFailure {
  /** True when trying again later may succeed (4xx replies, network trouble). */
  transient: boolean;
  /** The server reply code, when the server answered. */
  code: number | null;
  reason: string;
  /** Recipients the server refused outright (candidates for the suppression list). */
  rejected: string[];
}

// Failures of the message itself: resending the same message cannot help.
const PERMANENT_WITHOUT_REPLY = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Sorts a send error per RFC 5321: 4xx replies are transient, 5xx permanent;
 * without a reply (refused connection, timeout, TLS trouble) it is transient.
 */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e = (err ?? {}) as { responseCode?: number; code?: string; rejected?: unknown };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const transient = code !== null ? code < 500 : !PERMANENT_WITHOUT_REPLY.has(String(e.code));
  const rejected = Array.isArray(e.rejected) ? e.rejected.map(String) : [];
  return { transient, code, reason: `SMTP ${code ?? e.code ?? 'error'}: ${errorMessage(err)}`, rejected };
}
