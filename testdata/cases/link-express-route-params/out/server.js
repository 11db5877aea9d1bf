const express = require('express');
const { loadTrace } = require('./store');

const app = express();

app.get('/sessions/:sessionId', (req, res) => {
  const trace = loadTrace(req.params.sessionId);
  res.json(trace);
});

app.delete('/sessions/:sessionId/events/:eventId', (req, res) => {
  const { sessionId: traceId, eventId } = req.params;
  res.json({ sessionId: traceId, eventId });
});

module.exports = app;
