function loadSession(sessionId) {
  return { id: sessionId };
}

module.exports = { loadSession };
