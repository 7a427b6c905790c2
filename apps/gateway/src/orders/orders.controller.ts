import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, MetricsService } from '@app/common';
import { Actor, isIdempotencyKey, ORDER_PATTERNS, OrderView, Page } from '@app/contracts';
import { PrefetchHash, Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody, ApiPageOf } from '../http/openapi/api-docs.decorators';
import { headerRefs } from '../http/openapi/openapi.components';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { uuidParam } from '../users/users.controller';
import { BulkOrdersAcceptedDto, BulkOrdersDto } from './dto/bulk-orders.dto';
import { CreateOrderDto } from './dto/create-order.dto';
import { ListOrdersQueryDto, SearchOrdersQueryDto } from './dto/orders-query.dto';
import { validateOrders } from './dto/validate-orders.util';
import { ORDER_PREFETCH, OrderCacheResponder } from './order-cache.responder';
import { PlacedAnswer, PlaceOrdersUseCase } from './place-orders.use-case';

const JSON_TYPE = 'application/json; charset=utf-8';

const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Up to 255 printable ASCII characters, scoped to you and kept at least 24 h: a retry with the same key and body gets the original 202 and ' +
      'creates nothing; the same key with another body is 409 IDEMPOTENCY_KEY_REUSED',
  });

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!isIdempotencyKey(header) || header.length === 0) {
    throw new DomainError('VALIDATION_ERROR', 'Idempotency-Key is invalid', {
      errors: [{ field: 'Idempotency-Key', problems: ['must be 1-255 printable ASCII characters'] }],
    });
  }
  return header;
}

@ApiTags('orders')
@ApiAuthenticated()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly place: PlaceOrdersUseCase,
    private readonly core: CoreClient,
    private readonly responder: OrderCacheResponder,
    private readonly metrics: MetricsService,
  ) {}

  // 202 once the order is durable: confirmed by the broker into the quorum orders queue. 503 when it is not.
  @Post()
  @Roles('user', 'admin')
  @ApiIdempotencyKey()
  @ApiJsonBody()
  @ApiAcceptedResponse({ type: OrderView, description: 'the order is durable; it becomes `stored` once in PostgreSQL', headers: headerRefs('Location') })
  @ApiErrors(403, 409)
  async create(
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.send(reply, await this.place.execute(actor, 'single', [body], idempotencyKey(key), requestId));
  }

  // 1-1000 orders, all valid or none accepted, in one publish.
  @Post('bulk')
  @Roles('user', 'admin')
  @ApiIdempotencyKey()
  @ApiJsonBody()
  @ApiAcceptedResponse({ type: BulkOrdersAcceptedDto, description: 'every order is durable' })
  @ApiErrors(403, 409)
  async bulk(
    @Body() body: BulkOrdersDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const orders = validateOrders(body.orders);
    this.send(reply, await this.place.execute(actor, 'bulk', orders, idempotencyKey(key), requestId));
  }

  @Get()
  @ApiPageOf(OrderView)
  list(@Query() query: ListOrdersQueryDto, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<Page<OrderView>> {
    return this.core.send(ORDER_PATTERNS.list, { actor, ...query }, requestId);
  }

  @Get('search')
  @ApiPageOf(OrderView)
  search(@Query() query: SearchOrdersQueryDto, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<Page<OrderView>> {
    return this.core.send(ORDER_PATTERNS.search, { actor, ...query }, requestId);
  }

  // A cache hit is normally answered by the fast path before reaching here; this is the miss (or bypass) path.
  @Get(':id')
  @PrefetchHash(ORDER_PREFETCH)
  @ApiOkResponse({ type: OrderView, description: 'the order: `accepted` right after the 202, `stored` once in PostgreSQL', headers: headerRefs('X-Cache') })
  @ApiErrors(400, 404)
  async get(
    @Param('id', uuidParam) id: string,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ) {
    if (this.responder.answerFromCache(request, reply)) return;
    const cache = request.prefetched ? 'MISS' : 'BYPASS';
    this.metrics.cacheLookups.inc({ cache: 'order', result: cache.toLowerCase() });
    reply.header('X-Cache', cache);
    const order = await this.core.send<OrderView>(ORDER_PATTERNS.get, { actor, id: id.toLowerCase() }, requestId);
    reply.status(200).header('Content-Type', JSON_TYPE).send(JSON.stringify(order));
  }

  private send(reply: FastifyReply, answer: PlacedAnswer): void {
    if (answer.location) reply.header('Location', answer.location);
    reply.status(202).header('Content-Type', JSON_TYPE).send(answer.body);
  }
}
