function plugin(fastify, opts, next) {
  const sessionName = opts.sessionName || 'session';
  fastify.decorateRequest(sessionName, null);
  fastify.decorate('createSecureSession', (data) => ({ data }));
  fastify.decorate('encodeSecureSession', (session) => JSON.stringify(session));
  next();
}

function handler(request, fastify) {
  const session = request.session || fastify.createSecureSession();
  return fastify.encodeSecureSession(session);
}

module.exports = { plugin, handler };
