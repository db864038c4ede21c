// The shortlist: candidates with filters, sorting, paging, the score with
// its factors at a glance, reviews, and the workbook download.

import { fill, h, formatPoints } from "./dom.js";
import { loadCandidates, PAGE_SIZE } from "./data.js";
import { FLAGS, GROUPS, REVIEW_STATUSES, SORTS, factorGroup, factorLabel } from "./labels.js";
import { reviewBadge, reviewForm } from "./review.js";
import { storedToken } from "./gql.js";

// Cursors of the pages seen so far, per filter set: cursors[i] starts page i + 1.
const cursorsByFilter = new Map();

// The highest score the scoring can give: the sum of the group caps in
// seeds/scoring.yaml. The score bar is drawn on this scale.
const SCORE_SCALE = 100;

function readFilters(params) {
  const number = (value) => (value === undefined || value === "" || Number.isNaN(Number(value)) ? null : Number(value));
  return {
    industry: params.industry || null,
    region: params.region || null,
    minScore: number(params.minScore),
    maxScore: number(params.maxScore),
    local: parseLocal(params.local),
    reviewStatus: params.reviewStatus || null,
    sort: params.sort || null,
  };
}

function parseLocal(value) {
  if (value === "true") return true;
  if (value === "false") return false;
  return null;
}

function filterParams(filters) {
  return {
    industry: filters.industry,
    region: filters.region,
    minScore: filters.minScore,
    maxScore: filters.maxScore,
    local: filters.local === null ? null : String(filters.local),
    reviewStatus: filters.reviewStatus,
    sort: filters.sort,
  };
}

export function exportUrl(filters) {
  const query = new URLSearchParams();
  for (const name of ["industry", "region", "minScore", "maxScore", "local", "reviewStatus"]) {
    const value = filterParams(filters)[name];
    if (value !== null && value !== undefined && value !== "") query.set(name, value);
  }
  const text = query.toString();
  return "/export.xlsx" + (text ? "?" + text : "");
}

function filterForm(context, filters) {
  const sorts = context.api.enumValues(sortEnum(context.api));
  const select = (name, label, options, value) =>
    h(
      "label",
      {},
      label,
      h(
        "select",
        { name, id: `filter-${name}` },
        options.map(([optionValue, optionLabel]) =>
          h("option", { value: optionValue, selected: String(value ?? "") === optionValue }, optionLabel),
        ),
      ),
    );
  const input = (name, label, value, attrs = {}) =>
    h("label", {}, label, h("input", { name, id: `filter-${name}`, value: value ?? "", ...attrs }));

  const form = h(
    "form",
    { class: "filters", id: "filters" },
    select("industry", "产业", [["", "全部产业"], ...context.industries.map((i) => [i.name, i.name])], filters.industry),
    input("region", "地区", filters.region, { type: "search", placeholder: "如 荣成", size: 8 }),
    input("minScore", "最低分", filters.minScore, { type: "number", min: 0, max: 100, step: 1, size: 4 }),
    input("maxScore", "最高分", filters.maxScore, { type: "number", min: 0, max: 100, step: 1, size: 4 }),
    select("local", "本地", [["", "全部"], ["true", "仅本地"], ["false", "仅非本地"]], filters.local === null ? "" : String(filters.local)),
    select(
      "reviewStatus",
      "审核",
      [["", "全部"], ...Object.entries(REVIEW_STATUSES)],
      filters.reviewStatus,
    ),
    sorts.length
      ? select("sort", "排序", sorts.map((value) => [value, SORTS[value] || value]), filters.sort || sorts[0])
      : null,
    h("button", { type: "submit", id: "apply-filters" }, "筛选"),
    h("a", { class: "button secondary", id: "download", href: exportUrl(filters), download: "", onclick: downloadWithToken }, "下载 Excel"),
  );
  const apply = () => {
    const data = new FormData(form);
    const next = {};
    for (const [name, value] of data.entries()) next[name] = String(value).trim();
    context.navigate("/list", next);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  // Choices in a list apply at once; typed values apply on Enter or the button.
  for (const element of form.querySelectorAll("select")) element.addEventListener("change", apply);
  return form;
}

// A plain link cannot send the Authorization header, which a server that
// requires tokens for reads expects. So with a stored token the workbook
// is fetched with the header and saved from memory.
async function downloadWithToken(event) {
  const token = storedToken();
  if (!token) return;
  event.preventDefault();
  const link = event.currentTarget;
  const response = await fetch(link.href, { headers: { Authorization: "Bearer " + token } });
  if (!response.ok) {
    alert("导出失败：" + (await response.text()));
    return;
  }
  const blob = await response.blob();
  const match = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get("Content-Disposition") || "");
  const save = h("a", { href: URL.createObjectURL(blob), download: match ? decodeURIComponent(match[1]) : "candidates.xlsx" });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(save.href), 10000);
}

function sortEnum(api) {
  const field = api.field(api.queryType, "candidates");
  const arg = field && field.args.find((a) => a.name === "sort");
  if (!arg) return null;
  let type = arg.type;
  while (type.ofType) type = type.ofType;
  return type.name;
}

// The score as a bar of one segment per factor, coloured by group, with
// the points of each factor in its tooltip and in the legend below.
export function scoreBar(candidate) {
  const segments = candidate.factors
    .filter((factor) => factor.points > 0)
    .map((factor) => {
      const group = factorGroup(factor);
      const colour = group ? GROUPS[group].colour : "#999";
      return h("span", {
        class: "segment",
        style: `width:${(100 * factor.points) / SCORE_SCALE}%;background:${colour}`,
        title: `${factorLabel(factor.name)}：${formatPoints(factor.points)} 分`,
      });
    });
  const parts = candidate.factors
    .filter((factor) => factor.points > 0)
    .map((factor) => `${factorLabel(factor.name)} ${formatPoints(factor.points)}`);
  return h(
    "div",
    { class: "score" },
    h("span", { class: "score-value" }, formatPoints(candidate.score)),
    h("div", { class: "score-bar", "aria-hidden": "true" }, segments),
    h("div", { class: "factor-summary" }, parts.join(" · ")),
  );
}

function flagBadges(flags) {
  return flags.map((flag) => h("span", { class: `flag flag-${flag}` }, FLAGS[flag] || flag));
}

function firmLink(context, candidate) {
  if (!candidate.firmKey) return h("span", {}, candidate.name);
  return h("a", { href: "#/firm/" + encodeURIComponent(candidate.firmKey), class: "firm-link" }, candidate.name);
}

function candidateRow(context, candidate, rank, refresh) {
  const reviewCell = h("td", { class: "review-cell" }, reviewBadge(candidate.review));
  const toggle = h("button", { type: "button", class: "link review-toggle" }, "审核");
  reviewCell.append(toggle);
  const row = h(
    "tr",
    { class: "candidate", dataset: { firm: candidate.firmKey || "", industry: candidate.industry } },
    h("td", { class: "rank" }, rank),
    h("td", {}, firmLink(context, candidate), " ", flagBadges(candidate.flags)),
    h("td", {}, candidate.industry),
    h("td", {}, candidate.region || "—"),
    h("td", {}, scoreBar(candidate)),
    reviewCell,
  );
  toggle.addEventListener("click", () => {
    const next = row.nextElementSibling;
    if (next && next.classList.contains("review-row")) {
      next.remove();
      return;
    }
    const form = reviewForm(context, candidate, () => refresh());
    row.after(h("tr", { class: "review-row" }, h("td", { colspan: 6 }, form)));
  });
  return row;
}

function legend() {
  return h(
    "p",
    { class: "legend" },
    "得分构成：",
    Object.values(GROUPS).map((group) =>
      h("span", { class: "legend-item" }, h("span", { class: "swatch", style: `background:${group.colour}` }), group.label),
    ),
    h("span", { class: "legend-note" }, "（满分 100；标记“非本地”“证据不足”的候选排在其他候选之后）"),
  );
}

export async function showShortlist(main, context, params) {
  const filters = readFilters(params);
  const signature = JSON.stringify(filterParams(filters));
  const cursors = cursorsByFilter.get(signature) || [null];
  cursorsByFilter.set(signature, cursors);
  let page = Math.max(1, Number(params.page) || 1);
  if (page > cursors.length) page = 1;

  const result = await loadCandidates(context.api, filters, cursors[page - 1]);
  if (result.hasNext && cursors.length === page) cursors.push(result.endCursor);

  const refresh = () => showShortlist(main, context, params);
  const table = h(
    "table",
    { class: "shortlist", id: "shortlist" },
    h(
      "thead",
      {},
      h("tr", {}, ["排名", "企业", "产业", "地区", "得分与构成", "审核"].map((text) => h("th", {}, text))),
    ),
    h(
      "tbody",
      {},
      result.items.map((candidate, index) =>
        candidateRow(context, candidate, (page - 1) * PAGE_SIZE + index + 1, refresh),
      ),
    ),
  );
  const goTo = (target) => context.navigate("/list", { ...filterParams(filters), page: target });
  const pager = h(
    "div",
    { class: "pager" },
    h("button", { type: "button", id: "previous-page", disabled: page <= 1, onclick: () => goTo(page - 1) }, "上一页"),
    h("span", { class: "page-info", id: "page-info" }, pageText(result, page)),
    h("button", { type: "button", id: "next-page", disabled: !result.hasNext, onclick: () => goTo(page + 1) }, "下一页"),
  );
  const notice = result.unfiltered.length
    ? h("p", { class: "notice" }, "服务器不支持按 ", result.unfiltered.join("、"), " 筛选；已在本页结果中筛选。")
    : null;
  fill(main, 
    h("h2", {}, "示范企业候选名单"),
    filterForm(context, filters),
    legend(),
    notice,
    result.items.length ? table : h("p", { class: "empty", id: "shortlist-empty" }, "没有符合条件的候选。"),
    pager,
  );
}

function pageText(result, page) {
  const total = result.total === null ? "" : `共 ${result.total} 个候选，`;
  return `${total}第 ${page} 页`;
}
