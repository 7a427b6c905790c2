import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from '@app/common';
import { DailySalesReply, SALES_PATTERNS } from '@app/contracts';
import { PrefetchHash, Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors } from '../http/openapi/api-docs.decorators';
import { headerRefs } from '../http/openapi/openapi.components';
import { RequestId } from '../http/request-id.decorator';
import { DailySalesListDto, SalesQueryDto } from './dto/sales.dto';
import { SALES_PREFETCH } from './sales-cache.responder';

@ApiTags('dashboard')
@ApiAuthenticated()
@ApiErrors(400, 403)
@Roles('admin')
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly core: CoreClient,
    private readonly metrics: MetricsService,
  ) {}

  // A cache hit is answered by the fast path (SalesCacheResponder) before reaching here; this is the miss (or
  // bypass) path, and core's read fills the cache.
  @Get('sales')
  @PrefetchHash(SALES_PREFETCH)
  @ApiOperation({
    summary: 'Daily sales of the last N UTC days, newest first',
    description:
      'Read from the daily_sales_mv materialized view, so as fresh as its last refresh (POST /admin/refresh, or the scheduler ' +
      'on MV_REFRESH_SCHEDULE); each refresh also writes the view to the cache the gateway answers from. A database lock or a ' +
      'slow database is a 504 within a few seconds.',
  })
  @ApiOkResponse({ type: DailySalesListDto, headers: headerRefs('X-Cache') })
  sales(
    @Query() query: SalesQueryDto,
    @RequestId() requestId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DailySalesReply> {
    const cache = request.prefetched ? 'MISS' : 'BYPASS';
    this.metrics.cacheLookups.inc({ cache: 'sales', result: cache.toLowerCase() });
    reply.header('X-Cache', cache);
    return this.core.send(SALES_PATTERNS.dailySales, { days: query.days }, requestId);
  }
}
