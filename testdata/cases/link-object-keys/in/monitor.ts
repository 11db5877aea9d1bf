import * as Sentry from '@sentry/nextjs';
import { track } from './track';

export function report(sessionId: string) {
  Sentry.init({ dsn: 'x', replaysSessionSampleRate: 0.1 });
  const body = JSON.stringify({ sessionId, meta: { sessionId: sessionId } });
  track({ sessionId });
  return fetch('/api/events', { method: 'POST', body });
}

import fastify from 'fastify';
import plugin from './plugin';

export function start(sessionName: string) {
  const app = fastify();
  // The options go to the project's plugin: its names, renamed with it.
  app.register(plugin, { sessionName });
  app.register(require('./plugin'), { sessionName: 'x' });
  return app;
}

export function init(dsn: string) {
  // A parameter handed along is no function of the project's.
  Sentry.init(dsn, { replaysSessionSampleRate: 0.5 });
}
