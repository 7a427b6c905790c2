import { Injectable } from '@nestjs/common';
import { ExportedContent, ExportedOrder, ExportedPlan, ExportPagePayload, ExportPageReply, PlanDocument, toOrderView } from '@app/contracts';
import { ExportContentRow, ExportOrderRow, ExportPlanRow, UserExportRepository } from '@app/persistence';

// One page of the caller's data for GET /users/me/export; the gateway drives the pages and streams them out.
@Injectable()
export class UserExportService {
  constructor(private readonly exports: UserExportRepository) {}

  async page(payload: ExportPagePayload): Promise<ExportPageReply> {
    const after = payload.after ?? null;
    switch (payload.section) {
      case 'orders': {
        const { rows, next } = await this.exports.ordersPage(payload.user_id, after, payload.limit);
        return { items: rows.map(exportedOrder), next };
      }
      case 'plans': {
        const { rows, next } = await this.exports.plansPage(payload.user_id, after, payload.limit);
        return { items: rows.map(exportedPlan), next };
      }
      case 'content': {
        const { rows, next } = await this.exports.contentPage(payload.user_id, after, payload.limit);
        return { items: rows.map(exportedContent), next };
      }
    }
  }
}

function exportedOrder(row: ExportOrderRow): ExportedOrder {
  const view = toOrderView(
    { id: row.id, product_name: row.product_name, amount: Number(row.amount), currency: row.currency, plan_id: row.plan_id, created_at: row.created_at.toISOString() },
    'stored',
  );
  return { ...view, stored_at: row.stored_at.toISOString() };
}

function exportedPlan(row: ExportPlanRow): ExportedPlan {
  return {
    data: row.document as PlanDocument,
    metadata: { created_by: row.created_by, created_at: row.created_at.toISOString(), updated_by: row.updated_by, updated_at: row.updated_at.toISOString() },
    etag: row.etag,
  };
}

function exportedContent(row: ExportContentRow): ExportedContent {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    image: row.image,
    author: { id: row.author_id, name: row.author_name },
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
