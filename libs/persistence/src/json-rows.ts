import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Rows read as JSON (to_jsonb) or written as JSON (jsonb_populate_record) keep the database's
 * column names and carry timestamps as strings; these turn them into entity objects and back, from
 * the entity's own metadata, so the ledger's SQL and the entities cannot disagree about a column.
 */

const TIMESTAMPS = new Set(['timestamptz', 'timestamp', 'timestamp with time zone']);

/** An entity object from a to_jsonb row: property names, timestamps as Date. */
export function fromJsonRow<T extends ObjectLiteral>(
  m: EntityManager,
  entity: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const out: Record<string, unknown> = {};
  for (const c of m.connection.getMetadata(entity).columns) {
    const value = row[c.databaseName];
    out[c.propertyName] =
      value !== null && value !== undefined && TIMESTAMPS.has(String(c.type))
        ? new Date(value as string)
        : value;
  }
  return m.create(entity, out as T);
}

/** Column names for the given properties: what jsonb_populate_record reads (unknown properties throw). */
export function toJsonRow<T extends ObjectLiteral>(
  m: EntityManager,
  entity: EntityTarget<T>,
  values: Partial<T>,
): Record<string, unknown> {
  const metadata = m.connection.getMetadata(entity);
  const out: Record<string, unknown> = {};
  for (const [property, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.tableName} has no column for ${property}`);
    out[column.databaseName] = value;
  }
  return out;
}

/** The column names of an entity's `properties`, from its metadata: what hand-written SQL must name. */
export function columnsOf<T extends ObjectLiteral>(
  m: EntityManager,
  entity: EntityTarget<T>,
  properties: readonly (keyof T & string)[],
): string[] {
  const metadata = m.connection.getMetadata(entity);
  return properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.tableName} has no column for ${property}`);
    return column.databaseName;
  });
}
