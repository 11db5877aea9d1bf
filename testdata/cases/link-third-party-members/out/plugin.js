function plugin(fastify, opts, next) {
  const traceName = opts.traceName || 'session';
  fastify.decorateRequest(traceName, null);
  fastify.decorate('createSecureSession', (data) => ({ data }));
  fastify.decorate('encodeSecureSession', (trace) => JSON.stringify(trace));
  next();
}

function handler(request, fastify) {
  const trace = request.session || fastify.createSecureSession();
  return fastify.encodeSecureSession(trace);
}

module.exports = { plugin, handler };
