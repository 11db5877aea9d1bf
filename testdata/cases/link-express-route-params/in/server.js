const express = require('express');
const { loadSession } = require('./store');

const app = express();

app.get('/sessions/:sessionId', (req, res) => {
  const session = loadSession(req.params.sessionId);
  res.json(session);
});

app.delete('/sessions/:sessionId/events/:eventId', (req, res) => {
  const { sessionId, eventId } = req.params;
  res.json({ sessionId, eventId });
});

module.exports = app;
