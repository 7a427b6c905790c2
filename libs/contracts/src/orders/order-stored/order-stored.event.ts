// What the search index holds of an order; its document id is the order id, so writing it again is a no-op.
export interface OrderDocument {
  id: string;
  user_id: string;
  product_name: string;
  amount: number;
  currency: string;
  plan_id: string | null;
  created_at: string;
}

// The data of one order.stored event: the orders one committed batch inserted (never those it found stored).
export interface OrdersStoredEventData {
  orders: OrderDocument[];
}
