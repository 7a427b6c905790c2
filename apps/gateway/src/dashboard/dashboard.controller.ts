import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DailySalesReply, SALES_PATTERNS } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors } from '../http/openapi/api-docs.decorators';
import { RequestId } from '../http/request-id.decorator';
import { DailySalesListDto, SalesQueryDto } from './dto/sales.dto';

@ApiTags('dashboard')
@ApiAuthenticated()
@ApiErrors(400, 403)
@Roles('admin')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly core: CoreClient) {}

  @Get('sales')
  @ApiOperation({
    summary: 'Daily sales of the last N UTC days, newest first',
    description:
      'Read from the daily_sales_mv materialized view, so as fresh as its last refresh (POST /admin/refresh, or the scheduler ' +
      'on MV_REFRESH_SCHEDULE). A database lock or a slow database is a 504 within a few seconds.',
  })
  @ApiOkResponse({ type: DailySalesListDto })
  sales(@Query() query: SalesQueryDto, @RequestId() requestId: string): Promise<DailySalesReply> {
    return this.core.send(SALES_PATTERNS.dailySales, { days: query.days }, requestId);
  }
}
