import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIdempotencyKey } from '@app/contracts';
import { AccessService } from '../access/access.service';
import { sendError } from '../errors/http-exception.filter';
import { fastOrderInput } from '../orders/fast-order-input.util';
import { PlaceOrdersUseCase } from '../orders/place-orders.use-case';
import { API_PREFIX } from './http-app.setup';

const JSON_TYPE = 'application/json; charset=utf-8';

// The write fast path: POST /orders with a valid body is placed in a preHandler hook (the body is parsed and has
// passed input safety by then), with the same access check, roles and use case as OrdersController.create, but
// without the Nest guard, pipe and router around them: this is the busiest write. Anything it does not accept
// as it is (an invalid body or Idempotency-Key) goes on to the Nest route, which gives the full answer; the
// request is then not authenticated or counted twice (the guard sees request.principal).
export function registerOrderFastPath(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const access = app.get(AccessService);
  const place = app.get(PlaceOrdersUseCase);
  const logger = new Logger('OrderFastPath');
  const route = `/${API_PREFIX}/orders`;

  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== route) return;
    const input = fastOrderInput(request.body);
    const key = request.headers['idempotency-key'];
    if (!input || (key !== undefined && (typeof key !== 'string' || !isIdempotencyKey(key)))) return;
    try {
      const principal = await access.authenticate(request, reply);
      access.authorize(principal, request.method, { roles: ['user', 'admin'] });
      const answer = await place.execute({ id: principal.user.id, role: principal.user.role }, 'single', [input], key, request.id);
      reply.header('Location', answer.location).status(202).header('Content-Type', JSON_TYPE).send(answer.body);
    } catch (error) {
      sendError(request, reply, error, logger);
    }
    return reply;
  });
}
