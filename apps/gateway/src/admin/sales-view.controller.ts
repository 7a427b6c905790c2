import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, SALES_PATTERNS, SalesViewRefreshed } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { CoreClient } from '../core-client/core.client';
import { SalesViewRefreshedDto } from '../dashboard/dto/sales.dto';
import { ApiAuthenticated, ApiErrors } from '../http/openapi/api-docs.decorators';
import { CurrentActor, RequestId } from '../http/request-id.decorator';

@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/refresh')
export class SalesViewController {
  constructor(
    private readonly core: CoreClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  // Core bounds the refresh by MV_REFRESH_TIMEOUT_MS (minutes), so this call waits that long plus the usual RPC
  // bound for core's answer, not RPC_TIMEOUT_MS.
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Refresh the sales view now',
    description:
      'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales_mv (reads go on meanwhile). Waits for a refresh already running, ' +
      'then refreshes, so the answer covers every order stored before the call; bounded by MV_REFRESH_TIMEOUT_MS (then 504). ' +
      'Takes no body; one sent must still be JSON.',
  })
  @ApiOkResponse({ type: SalesViewRefreshedDto })
  @ApiErrors(400, 413, 415)
  refresh(@CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<SalesViewRefreshed> {
    return this.core.send(SALES_PATTERNS.refresh, {}, requestId, { timeoutMs: this.config.MV_REFRESH_TIMEOUT_MS + this.config.RPC_TIMEOUT_MS, actor });
  }
}
