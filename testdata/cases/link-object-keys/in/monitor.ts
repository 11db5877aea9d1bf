import * as Sentry from '@sentry/nextjs';
import { track } from './track';

export function report(sessionId: string) {
  Sentry.init({ dsn: 'x', replaysSessionSampleRate: 0.1 });
  const body = JSON.stringify({ sessionId, meta: { sessionId: sessionId } });
  track({ sessionId });
  return fetch('/api/events', { method: 'POST', body });
}
