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

// A member named at run time by a string option: `request.longTermSession`
// exists because `sessionName: 'longTermSession'` says so.
function multi(fastify) {
  fastify.register(plugin, { sessionName: 'longTermSession' });
  fastify.get('/', (request) => request.longTermSession.get('data'));
}

module.exports.multi = multi;
