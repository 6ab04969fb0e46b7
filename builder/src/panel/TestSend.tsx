import { useState, type FormEvent } from 'react';
import { post } from '../api.ts';
import { Outcome } from '../Outcome.tsx';
import { errorText } from '../format.ts';

/**
 * "Send a test" for an email node: saves the draft, then sends this node's email to the given
 * address with a chosen customer's data through the real mail server, marked [Test]. It is not
 * counted in the journey's numbers and not frequency-capped; errors show as the server says them.
 */
export function TestSend(props: { journeyId: string; nodeId: string; save: () => Promise<boolean> }) {
  const [to, setTo] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [state, setState] = useState<{ kind: 'idle' | 'sending' | 'ok' | 'error'; text?: string }>({ kind: 'idle' });
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setState({ kind: 'sending' });
    try {
      if (!(await props.save())) throw new Error('the draft could not be saved; try again');
      const { sent } = await post<{ sent: { to: string; subject: string } }>(`/api/journeys/${encodeURIComponent(props.journeyId)}/nodes/${encodeURIComponent(props.nodeId)}/test-send`, { to, ...(customerId.trim() ? { customerId: customerId.trim() } : {}) });
      setState({ kind: 'ok', text: `Sent “${sent.subject}” to ${sent.to}.` });
    } catch (err) {
      setState({ kind: 'error', text: errorText(err) });
    }
  };
  return (
    <section className="panel-section test-send">
      <h3>Send a test</h3>
      <form className="form" onSubmit={send}>
        <label>
          Send to
          <input type="email" required value={to} onChange={(e) => setTo(e.target.value)} placeholder="you@your-shop.com" />
        </label>
        <label>
          With the data of customer (id, optional)
          <input value={customerId} onChange={(e) => setCustomerId(e.target.value)} placeholder="e.g. c-1042" />
        </label>
        <button type="submit" className="btn" disabled={state.kind === 'sending'}>
          {state.kind === 'sending' ? 'Sending…' : 'Send test'}
        </button>
      </form>
      <Outcome state={state} testId="test-send-result" />
    </section>
  );
}
