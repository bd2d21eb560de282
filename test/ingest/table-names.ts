// Table names the ingest fixtures were recorded with (Flow_Table rows), which
// `--names` dumps print instead of table numbers.
export const TABLE_NAMES: Record<string, number> = { tbl_egress: 8, tbl_ingress: 9 };
