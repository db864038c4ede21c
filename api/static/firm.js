// The firm page: every factor's points with the evidence sentences and the
// document versions they come from, amendments, aliases, region, reviews
// and the institutes, experts and technologies linked to the firm.

import { fill, h, formatDate, formatPoints, safeUrl, yearOf } from "./dom.js";
import { loadDocuments, loadFirm, loadNeighbourhood } from "./data.js";
import { FLAGS, RELATIONS, factorLabel, typeLabel } from "./labels.js";
import { reviewDetails, reviewForm } from "./review.js";
import { scoreBar } from "./shortlist.js";

// Linked entities by type, in the order the page lists them.
const LINKED_SECTIONS = [
  ["Institute", "关联科研机构"],
  ["Person", "关联专家"],
  ["Technology", "关联技术"],
  ["Firm", "关联企业"],
  ["Department", "关联政府部门"],
  ["Industry", "所属产业"],
  ["Place", "地区"],
];

// Return the text that states when a removed sentence was in force, such
// as "2021年版本提及，2022年修改通知删除". A removed sentence of a notice
// that itself amends or repeals another document is the deleting
// sentence, not a deleted one.
export function amendmentText(evidence, document) {
  if (evidence.status !== "removed") return null;
  const version = evidence.version || {};
  if (isDeletingSentence(evidence, document)) {
    const year = yearOf(version.published) || yearOf(evidence.removedOn);
    const target = document.amends[0] || document.repeals[0];
    const name = [target.title, target.documentNumber].filter(Boolean).join(" ");
    return `${year ? year + "年" : ""}修改通知删除原文表述${name ? "（原文：" + name + "）" : ""}`;
  }
  const mentioned = yearOf(version.published) || yearOf(version.fetchedAt);
  const removed = yearOf(evidence.removedOn);
  const amending = document && document.amendedBy && document.amendedBy[0];
  const repealing = document && document.repealedBy && document.repealedBy[0];
  let how = "修改通知删除";
  if (repealing && !amending) how = "废止";
  const parts = [];
  parts.push(mentioned ? `${mentioned}年版本提及` : "旧版本提及");
  parts.push(removed ? `${removed}年${how}` : `已被${how}`);
  let text = parts.join("，");
  const source = amending || repealing;
  if (source && (source.title || source.documentNumber)) {
    text += `（${[source.title, source.documentNumber].filter(Boolean).join(" ")}）`;
  }
  return text;
}

function isDeletingSentence(evidence, document) {
  if (evidence.status !== "removed" || !document) return false;
  return Boolean((document.amends && document.amends.length) || (document.repeals && document.repeals.length));
}

export function sourceLine(version) {
  const url = safeUrl(version.url);
  const title = version.title || version.url || version.key || "来源文件";
  const details = [
    version.issuer,
    version.documentNumber,
    version.published ? `发布于 ${formatDate(version.published)}` : null,
    version.fetchedAt ? `抓取于 ${formatDate(version.fetchedAt)}` : null,
  ].filter(Boolean);
  return h(
    "span",
    { class: "source" },
    "—— ",
    url
      ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "version-link", title: version.key || "" }, title)
      : h("span", { title: version.key || "" }, title),
    details.length ? " · " + details.join(" · ") : "",
  );
}

function evidenceItem(evidence, documents) {
  const version = evidence.version;
  const document = documents[version.url];
  const note = amendmentText(evidence, document);
  let className = "evidence";
  if (evidence.status === "removed") {
    className += isDeletingSentence(evidence, document) ? " deleting" : " removed";
  }
  return h(
    "li",
    { class: className },
    h("q", { class: "sentence" }, evidence.sentence),
    " ",
    sourceLine(version),
    note ? h("span", { class: "amendment" }, note) : null,
  );
}

function factorTable(candidate, documents) {
  return h(
    "table",
    { class: "factors" },
    h("thead", {}, h("tr", {}, h("th", {}, "评分项"), h("th", {}, "得分"), h("th", {}, "证据"))),
    h(
      "tbody",
      {},
      candidate.factors.map((factor) =>
        h(
          "tr",
          { class: factor.points > 0 ? "factor scored" : "factor", dataset: { factor: factor.name } },
          h("td", {}, factorLabel(factor.name)),
          h("td", { class: "points" }, formatPoints(factor.points), factor.max != null ? ` / ${formatPoints(factor.max)}` : ""),
          h(
            "td",
            {},
            factor.evidence.length
              ? h("ul", { class: "evidence-list" }, factor.evidence.map((item) => evidenceItem(item, documents)))
              : h("span", { class: "muted" }, factor.points > 0 ? "（无句子证据）" : "—"),
          ),
        ),
      ),
    ),
  );
}

function candidateCard(context, candidate, documents, refresh) {
  const review = h("div", { class: "review-box" }, reviewDetails(candidate.review));
  review.append(reviewForm(context, candidate, () => refresh()));
  return h(
    "section",
    { class: "candidate-card", dataset: { industry: candidate.industry } },
    h(
      "h3",
      {},
      candidate.industry,
      " ",
      candidate.flags.map((flag) => h("span", { class: `flag flag-${flag}` }, FLAGS[flag] || flag)),
    ),
    scoreBar(candidate),
    review,
    factorTable(candidate, documents),
  );
}

function entityLink(node) {
  if (node.type === "Industry") {
    return h("a", { href: "#/chain?industry=" + encodeURIComponent(node.name) }, node.name);
  }
  if (node.type === "Place") return h("span", {}, node.name);
  return h("a", { href: "#/firm/" + encodeURIComponent(node.key) }, node.name);
}

function linkedSection(firmKey, picture, documents) {
  const byKey = new Map(picture.nodes.map((node) => [node.key, node]));
  const groups = new Map();
  for (const relationship of picture.relationships) {
    if (relationship.source !== firmKey && relationship.target !== firmKey) continue;
    const other = byKey.get(relationship.source === firmKey ? relationship.target : relationship.source);
    if (!other || other.key === firmKey) continue;
    if (!groups.has(other.type)) groups.set(other.type, []);
    groups.get(other.type).push({ node: other, relationship });
  }
  const sections = LINKED_SECTIONS.filter(([type]) => groups.has(type)).map(([type, title]) =>
    h(
      "div",
      { class: "linked-group", dataset: { type } },
      h("h4", {}, title),
      h(
        "ul",
        {},
        groups.get(type).map(({ node, relationship }) =>
          h(
            "li",
            { class: relationship.status === "removed" ? "removed" : "" },
            entityLink(node),
            h("span", { class: "relation" }, RELATIONS[relationship.type] || relationship.type),
            relationship.status === "removed" ? h("span", { class: "flag" }, "已删除") : null,
            relationship.evidence.length
              ? h("ul", { class: "evidence-list" }, relationship.evidence.slice(0, 2).map((e) => evidenceItem(e, documents)))
              : null,
          ),
        ),
      ),
    ),
  );
  return sections.length ? sections : [h("p", { class: "muted" }, "图中没有与该实体相连的机构、专家或技术。")];
}

export async function showFirm(main, context, key) {
  const [found, picture] = await Promise.all([
    loadFirm(context.api, key),
    loadNeighbourhood(context.api, key, 1).catch((error) => ({ error })),
  ]);
  if (!found) {
    fill(main, h("div", { class: "error", role: "alert" }, "未找到实体：", key));
    return;
  }
  const { entity, evidence } = found;
  const candidates = found.candidates || [];

  // The documents behind removed sentences, with the documents that amend
  // or repeal them, name the amendment next to each such sentence.
  const removedUrls = new Set();
  const relationshipEvidence = picture.error ? [] : picture.relationships.flatMap((r) => r.evidence);
  for (const item of [...evidence, ...relationshipEvidence]) {
    if (item.status === "removed" && item.version.url) removedUrls.add(item.version.url);
  }
  const documents = await loadDocuments(context.api, [...removedUrls]).catch((error) => {
    console.error("reading the amending documents failed", error);
    return {};
  });

  const refresh = () => showFirm(main, context, key);
  const facts = [
    ["类型", typeLabel(entity.type)],
    ["状态", entity.status === "removed" ? `已删除${entity.removedOn ? "（" + formatDate(entity.removedOn) + "）" : ""}` : "现行"],
    ["地区", entity.region || "—"],
    ["别名", (entity.aliases || []).join("、") || "—"],
    ["统一社会信用代码", entity.creditCode || "—"],
    ["产业", (entity.industries || []).join("、") || "—"],
  ];
  fill(main, 
    h("p", { class: "crumbs" }, h("a", { href: "#/list" }, "候选名单"), " › ", entity.name),
    h(
      "header",
      { class: "firm-header" },
      h("h2", { id: "firm-name" }, entity.name),
      h("a", { class: "button", id: "open-picture", href: "#/graph/" + encodeURIComponent(entity.key) }, "查看关系图"),
    ),
    h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
    h("h3", {}, "候选评分"),
    candidates.length
      ? candidates.map((candidate) => candidateCard(context, { ...candidate, firmKey: candidate.firmKey || entity.key }, documents, refresh))
      : h("p", { class: "muted" }, "该实体不是任何产业的示范企业候选。"),
    h("h3", {}, "关联机构、专家与技术"),
    picture.error
      ? h("p", { class: "error" }, "关系读取失败：", picture.error.message)
      : linkedSection(entity.key, picture, documents),
    h("h3", {}, "全部提及（含已删除）"),
    evidence.length
      ? h("ul", { class: "evidence-list", id: "mentions" }, evidence.map((item) => evidenceItem(item, documents)))
      : h("p", { class: "muted" }, "没有提及记录。"),
  );
}
