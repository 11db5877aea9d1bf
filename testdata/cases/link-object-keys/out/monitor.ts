import * as Sentry from '@sentry/nextjs';
import { track } from './track';

export function report(traceId: string) {
  Sentry.init({ dsn: 'x', replaysSessionSampleRate: 0.1 });
  const body = JSON.stringify({ sessionId: traceId, meta: { sessionId: traceId } });
  track({ traceId });
  return fetch('/api/events', { method: 'POST', body });
}

import fastify from 'fastify';
import plugin from './plugin';

export function start(traceName: string) {
  const app = fastify();
  // The options go to the project's plugin: its names, renamed with it.
  app.register(plugin, { traceName });
  app.register(require('./plugin'), { traceName: 'x' });
  return app;
}

export function init(dsn: string) {
  // A parameter handed along is no function of the project's.
  Sentry.init(dsn, { replaysSessionSampleRate: 0.5 });
}
