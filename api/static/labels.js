// Chinese labels for the names the graph and the scoring use.

export const ENTITY_TYPES = {
  Firm: "企业",
  Institute: "科研机构",
  Person: "专家",
  Department: "政府部门",
  Technology: "技术",
  Industry: "产业",
  Place: "地区",
};

export const TYPE_COLOURS = {
  Firm: "#1f6fb2",
  Institute: "#2e9d5b",
  Person: "#c2761b",
  Department: "#7a5aa6",
  Technology: "#c23b4a",
  Industry: "#0f8a8a",
  Place: "#7d7d7d",
};

export const RELATIONS = {
  AFFILIATED_WITH: "隶属",
  DEVELOPS: "研发",
  COOPERATES_WITH: "合作",
  SHORT_NAME_OF: "简称",
  LOCATED_IN: "位于",
  IN_INDUSTRY: "所属产业",
  PART_OF: "下属",
  RESPONSIBLE_FOR: "主管",
};

// Groups and factors of seeds/scoring.yaml; a factor missing here is shown
// under its own name.
export const GROUPS = {
  industry_relevance: { label: "产业相关度", colour: "#1f6fb2" },
  innovation: { label: "创新性", colour: "#2e9d5b" },
  growth: { label: "成长性", colour: "#c2761b" },
  policy: { label: "政策信号", colour: "#7a5aa6" },
  local_presence: { label: "本地性", colour: "#0f8a8a" },
  graph_position: { label: "发展潜力", colour: "#c23b4a" },
};

export const FACTORS = {
  industry_sentences: { label: "产业相关语句", group: "industry_relevance" },
  industry_documents: { label: "产业相关文件", group: "industry_relevance" },
  institute_links: { label: "关联科研机构", group: "innovation" },
  expert_links: { label: "关联专家", group: "innovation" },
  technology_links: { label: "关联技术", group: "innovation" },
  patents_standards_awards: { label: "专利、标准与奖项", group: "innovation" },
  expansion: { label: "扩产建设", group: "growth" },
  investment: { label: "投资融资", group: "growth" },
  output: { label: "产值与销售", group: "growth" },
  policy_documents: { label: "政策文件提及", group: "policy" },
  local_region: { label: "本地企业", group: "local_presence" },
  industry_degree: { label: "产业网络位置", group: "graph_position" },
};

export const FLAGS = {
  "non-local": "非本地",
  "thin-evidence": "证据不足",
};

export const REVIEW_STATUSES = {
  SHORTLISTED: "入围",
  REJECTED: "不予推荐",
  NEEDS_REVIEW: "待复核",
};

export const SORTS = {
  RANK: "综合排序",
  SCORE_DESC: "得分从高到低",
  SCORE_ASC: "得分从低到高",
  NAME_ASC: "名称",
};

export function factorLabel(name) {
  return (FACTORS[name] && FACTORS[name].label) || name;
}

export function factorGroup(factor) {
  const group = factor.group || (FACTORS[factor.name] && FACTORS[factor.name].group);
  return GROUPS[group] ? group : null;
}

export function typeLabel(type) {
  return ENTITY_TYPES[type] || type;
}
