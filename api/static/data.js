// Reads and writes of the page, all through the GraphQL API, and the
// normalisation of their results into the shapes the views draw.

import { ApiError } from "./gql.js";

const DOCUMENT_SPEC = {
  key: true,
  url: true,
  title: true,
  issuer: true,
  documentNumber: true,
  published: true,
  status: true,
  repealedOn: true,
  amends: { key: true, title: true, documentNumber: true },
  repeals: { key: true, title: true, documentNumber: true },
  amendedBy: { key: true, title: true, issuer: true, documentNumber: true, published: true },
  repealedBy: { key: true, title: true, issuer: true, documentNumber: true, published: true },
};

const VERSION_SPEC = {
  key: true,
  url: true,
  title: true,
  issuer: true,
  documentNumber: true,
  published: true,
  fetchedAt: true,
  status: true,
};

const EVIDENCE_SPEC = {
  key: true,
  sentence: true,
  status: true,
  removedOn: true,
  removedBy: true,
  document: true,
  title: true,
  version: VERSION_SPEC,
};

const REVIEW_SPEC = { status: true, note: true, author: true, at: true };

const FACTOR_SPEC = { name: true, group: true, points: true, maxPoints: true, max: true };

const CANDIDATE_SPEC = {
  key: true,
  name: true,
  industry: true,
  industryCode: true,
  region: true,
  score: true,
  flags: true,
  firmKey: true,
  factors: FACTOR_SPEC,
  review: REVIEW_SPEC,
  firm: { key: true },
};

const CANDIDATE_DETAIL_SPEC = {
  ...CANDIDATE_SPEC,
  factors: { ...FACTOR_SPEC, evidence: EVIDENCE_SPEC },
};

// The type comes from __typename, which every object has and which
// equals Entity.type.
const ENTITY_SPEC = {
  key: true,
  __typename: true,
  name: true,
  aliases: true,
  region: true,
  status: true,
  removedOn: true,
  industries: { name: true },
  creditCode: true,
  role: true,
  affiliation: true,
};

const NEIGHBOURHOOD_SPEC = {
  truncated: true,
  nodes: { key: true, type: true, name: true, status: true },
  relationships: {
    type: true,
    source: true,
    target: true,
    head: true,
    tail: true,
    status: true,
    evidence: {
      sentence: true,
      status: true,
      removedOn: true,
      version: { key: true, url: true, title: true, published: true, fetchedAt: true },
    },
  },
};

export const PAGE_SIZE = 20;
// The API accepts at most this many items per page.
const MAX_PAGE = 100;
// Technologies per industry that the chain view shows; each costs one
// neighbourhood read, and the API limits aliases and cost per request.
export const CHAIN_TECHNOLOGIES = 15;

function nodesOf(result) {
  if (!result) return [];
  if (Array.isArray(result)) return result;
  return (result.edges || []).map((edge) => edge.node);
}

export function normaliseEvidence(item) {
  let version = item.version;
  if (!version || typeof version !== "object") {
    version = { key: version || null, url: item.document || null, title: item.title || null };
  }
  return {
    sentence: item.sentence || "",
    status: item.status || "current",
    removedOn: item.removedOn || null,
    removedBy: item.removedBy || null,
    version,
  };
}

export function normaliseCandidate(node) {
  const firmKey = (node.firm && node.firm.key) || node.firmKey || null;
  return {
    key: node.key || null,
    firmKey,
    name: node.name,
    industry: node.industry,
    region: node.region || null,
    score: Number(node.score || 0),
    flags: node.flags || [],
    review: node.review || null,
    factors: (node.factors || []).map((factor) => ({
      name: factor.name,
      group: factor.group || null,
      points: Number(factor.points || 0),
      max: factor.maxPoints ?? factor.max ?? null,
      evidence: (factor.evidence || []).map(normaliseEvidence),
    })),
  };
}

// Return one page of candidates: {items, total, hasNext, endCursor}.
// Filters the server does not take are applied here to the page it
// returns, and `unfiltered` names them.
export async function loadCandidates(api, filters, after, { detail = false } = {}) {
  const spec = detail ? CANDIDATE_DETAIL_SPEC : CANDIDATE_SPEC;
  const connection = api.isConnection("candidates");
  const wanted = {
    industry: filters.industry,
    region: filters.region,
    minScore: filters.minScore,
    maxScore: filters.maxScore,
    local: filters.local,
    reviewStatus: filters.reviewStatus,
    sort: filters.sort,
    first: connection ? PAGE_SIZE : MAX_PAGE,
    after: connection ? after : undefined,
  };

  const fullSpec = connection
    ? { totalCount: true, pageInfo: { hasNextPage: true, endCursor: true }, edges: { cursor: true, node: spec } }
    : spec;
  const call = api.call(api.queryType, "candidates", wanted, fullSpec);
  const data = await api.run([call]);
  const result = data.candidates;
  let items = nodesOf(result).map(normaliseCandidate);
  items = applyDroppedFilters(items, filters, call.dropped);

  if (connection) {
    return {
      items,
      total: result.totalCount ?? null,
      hasNext: Boolean(result.pageInfo && result.pageInfo.hasNextPage),
      endCursor: result.pageInfo ? result.pageInfo.endCursor : null,
      unfiltered: call.dropped,
    };
  }
  // A plain list has no cursor: the page shows the first PAGE_SIZE items
  // after the offset that `after` carries.
  const offset = Number(after || 0);
  return {
    items: items.slice(offset, offset + PAGE_SIZE),
    total: items.length,
    hasNext: offset + PAGE_SIZE < items.length,
    endCursor: String(offset + PAGE_SIZE),
    unfiltered: call.dropped,
  };
}

function applyDroppedFilters(items, filters, dropped) {
  let kept = items;
  if (dropped.includes("maxScore") && filters.maxScore != null) {
    kept = kept.filter((c) => c.score <= filters.maxScore);
  }
  if (dropped.includes("local") && filters.local != null) {
    const isLocal = (c) => Boolean(c.region) && !c.flags.includes("non-local");
    kept = kept.filter((c) => isLocal(c) === filters.local);
  }
  if (dropped.includes("reviewStatus") && filters.reviewStatus) {
    kept = kept.filter((c) => c.review && c.review.status === filters.reviewStatus);
  }
  return kept;
}

// Return the entity (a firm or any other type) with its evidence and, for
// a firm, its candidates: {entity, evidence, candidates}, or null when the
// key is not found.
export async function loadFirm(api, key) {
  const root = api.hasQuery("entity") ? "entity" : api.hasQuery("firm") ? "firm" : null;
  if (!root) throw new ApiError("服务器的 GraphQL 接口没有 entity 或 firm 字段", "MISSING_FIELD");
  const firmSpec = {
    creditCode: true,
    candidates: { ...CANDIDATE_DETAIL_SPEC, edges: { node: CANDIDATE_DETAIL_SPEC } },
  };
  const spec = {
    ...ENTITY_SPEC,
    // The API returns at most 100 sentences per entity.
    "evidence(first: 100)": EVIDENCE_SPEC,
    "... on Firm": firmSpec,
    "... on Person": { role: true, affiliation: true },
  };
  const data = await api.run([api.call(api.queryType, root, { key }, spec)]);
  const entity = data[root];
  if (!entity) return null;
  entity.type = entity.type || entity.__typename;
  entity.industries = (entity.industries || []).map((item) => (typeof item === "string" ? item : item.name));
  return {
    entity,
    evidence: (entity.evidence || []).map(normaliseEvidence),
    candidates: entity.candidates ? nodesOf(entity.candidates).map(normaliseCandidate) : null,
  };
}

// Return the documents at the given URLs, with the documents that amend or
// repeal them, by URL. Empty when the API has no `document` field.
export async function loadDocuments(api, urls) {
  if (!api.hasQuery("document") || !urls.length) return {};
  // The API allows 30 aliases per request.
  const chosen = urls.slice(0, 25);
  const calls = chosen.map((url, index) =>
    api.call(api.queryType, "document", { url }, DOCUMENT_SPEC, { alias: `d${index}`, prefix: `d${index}_` }),
  );
  const data = await api.run(calls);
  const found = {};
  chosen.forEach((url, index) => {
    if (data[`d${index}`]) found[url] = data[`d${index}`];
  });
  return found;
}

export function normaliseNeighbourhood(result) {
  if (!result) return { nodes: [], relationships: [], truncated: false };
  return {
    truncated: Boolean(result.truncated),
    nodes: result.nodes || [],
    relationships: (result.relationships || []).map((r) => ({
      type: r.type,
      source: r.source ?? r.head,
      target: r.target ?? r.tail,
      status: r.status || "current",
      evidence: (r.evidence || []).map(normaliseEvidence),
    })),
  };
}

export async function loadNeighbourhood(api, key, depth) {
  if (!api.hasQuery("neighbourhood")) {
    throw new ApiError("服务器的 GraphQL 接口没有 neighbourhood 字段，无法绘制关系图", "MISSING_FIELD");
  }
  const data = await api.run([api.call(api.queryType, "neighbourhood", { key, depth }, NEIGHBOURHOOD_SPEC)]);
  return normaliseNeighbourhood(data.neighbourhood);
}

// Return the technologies of an industry, each with the firms and
// institutes linked to it: {technologies: [{key, name, status, linked}], total}.
export async function loadChain(api, industry) {
  const entitySpec = { key: true, name: true, status: true };
  const connection = api.isConnection("entities");
  const args = { type: "Technology", industry, status: "current", first: CHAIN_TECHNOLOGIES };
  const listSpec = connection ? { totalCount: true, edges: { node: entitySpec } } : entitySpec;
  const data = await api.run([api.call(api.queryType, "entities", args, listSpec)]);
  const technologies = nodesOf(data.entities);
  const total = connection ? data.entities.totalCount : technologies.length;
  if (!technologies.length || !api.hasQuery("neighbourhood")) {
    return { technologies: technologies.map((t) => ({ ...t, linked: [] })), total };
  }
  const calls = technologies.map((technology, index) =>
    api.call(api.queryType, "neighbourhood", { key: technology.key, depth: 1 }, NEIGHBOURHOOD_SPEC, {
      alias: `n${index}`,
      prefix: `n${index}_`,
    }),
  );
  const pictures = await api.run(calls);
  return {
    total,
    technologies: technologies.map((technology, index) => {
      const picture = normaliseNeighbourhood(pictures[`n${index}`]);
      const byKey = new Map(picture.nodes.map((node) => [node.key, node]));
      const linked = [];
      for (const relationship of picture.relationships) {
        const other = relationship.source === technology.key ? relationship.target : relationship.source;
        const node = byKey.get(other);
        if (!node || (node.type !== "Firm" && node.type !== "Institute")) continue;
        linked.push({ ...node, relation: relationship.type, relationStatus: relationship.status });
      }
      linked.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name, "zh"));
      return { ...technology, linked };
    }),
  };
}

// Store a review through the setReview mutation and return the stored
// review as {status, note, author, at} when the server returns one.
export async function saveReview(api, { firmKey, industry, status, note }) {
  if (!api.hasMutation("setReview")) {
    throw new ApiError("服务器的 GraphQL 接口没有 setReview 操作，暂不能保存审核", "MISSING_FIELD");
  }
  const spec = {
    ...REVIEW_SPEC,
    review: REVIEW_SPEC,
    candidate: { review: REVIEW_SPEC },
  };
  const call = api.call(api.mutationType, "setReview", { firmKey, industry, status, note }, spec);
  const data = await api.run([call], { mutation: true, auth: true });
  const result = data.setReview || {};
  return result.review || (result.candidate && result.candidate.review) || (result.status ? result : null);
}

export async function loadIndustries(api) {
  if (!api.hasQuery("industries")) return [];
  const spec = { name: true, code: true };
  const data = await api.run([api.call(api.queryType, "industries", {}, spec)]);
  return (data.industries || []).map((item) => (typeof item === "string" ? { name: item } : item));
}
