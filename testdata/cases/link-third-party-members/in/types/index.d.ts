import 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    createSecureSession(data?: Record<string, unknown>): object;
  }
  interface FastifyRequest {
    session: object;
  }
}
