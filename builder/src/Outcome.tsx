/** The result line of a form action: a success as a status, a failure as an alert, in the server's words. */
export function Outcome(props: { state: { kind: string; text?: string }; testId?: string }) {
  const { kind, text } = props.state;
  if (kind !== 'ok' && kind !== 'error') return null;
  return (
    <p className={kind === 'ok' ? 'ok' : 'problem'} role={kind === 'ok' ? 'status' : 'alert'} data-testid={props.testId}>
      {text}
    </p>
  );
}
