/**
 * The events the tracking links record, one name each everywhere: journeys use
 * them as triggers, goals and exit events (e.g. `exitOn: [{ event: EMAIL_UNSUBSCRIBED }]`).
 */
export const EMAIL_UNSUBSCRIBED = 'email_unsubscribed';
export const EMAIL_OPENED = 'email_opened';
export const EMAIL_CLICKED = 'email_clicked';
