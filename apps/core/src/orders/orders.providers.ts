import { OrderCacheWriter } from './order-cache.writer';
import { OrdersConsumer } from './orders.consumer';
import { OrdersHandlers } from './orders.handlers';
import { OrdersQueryService } from './orders-query.service';
import { StoreOrdersUseCase } from './store-orders.use-case';

// Registered in CoreModule itself: the consumer shares the app's InFlightTracker, which the graceful drain waits on.
export const ORDERS_CONTROLLERS = [OrdersHandlers];
export const ORDERS_PROVIDERS = [OrderCacheWriter, StoreOrdersUseCase, OrdersQueryService, OrdersConsumer];
