function loadTrace(traceId) {
  return { id: traceId };
}

module.exports = { loadTrace };
