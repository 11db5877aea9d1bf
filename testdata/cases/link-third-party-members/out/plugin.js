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

// A member named at run time by a string option: `request.longTermSession`
// exists because `traceName: 'longTermSession'` says so.
function multi(fastify) {
  fastify.register(plugin, { traceName: 'longTermSession' });
  fastify.get('/', (request) => request.longTermSession.get('data'));
}

module.exports.multi = multi;
