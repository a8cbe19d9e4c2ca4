/** The entity types a link may join, and which of them each kind of link allows at each end. */
export const ENTITY_TYPES = ['subject', 'organization', 'selector'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const LINK_KINDS = ['employed_by', 'manages', 'associate_of', 'uses', 'owns', 'paid', 'hosted_laptop_for', 'victim_of'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/**
 * `from` → `to` endpoint types per kind: a subject is employed by an organization; a subject or an
 * organization uses a selector; a laptop-farm host (subject) hosts laptops for a worker or a company; an
 * employer (organization) or a person is the victim of a subject or organization. A selector is only ever
 * the object of `uses`, `owns` or `paid`.
 */
export const LINK_ENDPOINTS: Readonly<Record<LinkKind, { from: readonly EntityType[]; to: readonly EntityType[] }>> = {
  employed_by: { from: ['subject'], to: ['organization'] },
  manages: { from: ['subject', 'organization'], to: ['subject', 'organization'] },
  associate_of: { from: ['subject', 'organization'], to: ['subject', 'organization'] },
  uses: { from: ['subject', 'organization'], to: ['selector'] },
  owns: { from: ['subject', 'organization'], to: ['organization', 'selector'] },
  paid: { from: ['subject', 'organization'], to: ['subject', 'organization', 'selector'] },
  hosted_laptop_for: { from: ['subject'], to: ['subject', 'organization'] },
  victim_of: { from: ['subject', 'organization'], to: ['subject', 'organization'] },
};

/** Why a link of `kind` may not join these types, or undefined when it may. */
export function endpointProblem(kind: LinkKind, fromType: EntityType, toType: EntityType): { field: 'from' | 'to'; message: string } | undefined {
  const rule = LINK_ENDPOINTS[kind];
  if (!rule.from.includes(fromType)) return { field: 'from', message: `a ${kind} link starts at ${rule.from.join(' or ')}, not at a ${fromType}` };
  if (!rule.to.includes(toType)) return { field: 'to', message: `a ${kind} link ends at ${rule.to.join(' or ')}, not at a ${toType}` };
  return undefined;
}

/** The same table as a SQL CHECK, so the database refuses what the service would. */
export function endpointCheckSql(): string {
  return LINK_KINDS.map((kind) => {
    const { from, to } = LINK_ENDPOINTS[kind];
    return `(kind = '${kind}' AND from_type IN (${from.map((t) => `'${t}'`).join(', ')}) AND to_type IN (${to.map((t) => `'${t}'`).join(', ')}))`;
  }).join(' OR ');
}

/** `subject:<uuid>` → its parts, or undefined. */
export function parseEntityRef(ref: string): { type: EntityType; id: string } | undefined {
  const m = /^(subject|organization|selector):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/i.exec(ref);
  return m ? { type: m[1].toLowerCase() as EntityType, id: m[2].toLowerCase() } : undefined;
}
