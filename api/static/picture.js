// The neighbourhood picture of one entity and the industry-chain view.

import { fill, h } from "./dom.js";
import { drawGraph } from "./forcegraph.js";
import { CHAIN_TECHNOLOGIES, loadChain, loadNeighbourhood } from "./data.js";
import { ENTITY_TYPES, RELATIONS, TYPE_COLOURS, typeLabel } from "./labels.js";

// Labels longer than this are cut in the picture; the full name is in
// the node's tooltip.
const LABEL_CHARS = 12;

function shortLabel(node) {
  const name = node.name || node.key;
  return name.length > LABEL_CHARS ? name.slice(0, LABEL_CHARS - 1) + "…" : name;
}

function legend() {
  return h(
    "p",
    { class: "legend" },
    Object.entries(ENTITY_TYPES).map(([type, label]) =>
      h("span", { class: "legend-item" }, h("span", { class: "swatch round", style: `background:${TYPE_COLOURS[type]}` }), label),
    ),
    h("span", { class: "legend-item" }, h("span", { class: "swatch dashed" }), "已删除的关系"),
  );
}

export async function showPicture(main, context, key, depth) {
  const picture = await loadNeighbourhood(context.api, key, depth);
  const centre = picture.nodes.find((node) => node.key === key);
  if (!centre) {
    fill(main, h("div", { class: "error", role: "alert" }, "未找到实体：", key));
    return;
  }
  const names = new Map(picture.nodes.map((node) => [node.key, node.name]));
  const graph = {
    nodes: picture.nodes.map((node) => ({ ...node, typeName: typeLabel(node.type) })),
    relationships: picture.relationships.map((r) => ({
      ...r,
      title:
        `${names.get(r.source) || r.source} —${RELATIONS[r.type] || r.type}→ ${names.get(r.target) || r.target}` +
        (r.status === "removed" ? "（已删除）" : "") +
        (r.evidence.length ? "\n" + r.evidence[0].sentence : ""),
    })),
  };
  const info = h("div", { class: "picture-info", id: "picture-info" }, "点击节点查看详情；拖动节点调整位置。");
  const canvas = h("div", { class: "picture", id: "picture" });
  const depthLink = (value) =>
    h(
      "a",
      {
        class: "button" + (value === depth ? " active" : " secondary"),
        href: `#/graph/${encodeURIComponent(key)}?depth=${value}`,
        id: `depth-${value}`,
      },
      `${value} 度关系`,
    );
  fill(main, 
    h("p", { class: "crumbs" }, h("a", { href: "#/list" }, "候选名单"), " › ", h("a", { href: "#/firm/" + encodeURIComponent(key) }, centre.name), " › 关系图"),
    h("header", { class: "firm-header" }, h("h2", {}, centre.name, " 的关系图"), h("div", { class: "buttons" }, depthLink(1), depthLink(2))),
    legend(),
    picture.truncated ? h("p", { class: "notice" }, "关系过多，图中只显示了一部分。") : null,
    h("p", { class: "muted" }, `${picture.nodes.length} 个节点，${picture.relationships.length} 条关系`),
    canvas,
    info,
  );
  drawGraph(canvas, graph, {
    width: Math.max(600, canvas.clientWidth || 960),
    height: 620,
    centre: key,
    colour: (type) => TYPE_COLOURS[type] || "#999",
    label: shortLabel,
    onSelect: (node) => {
      const links = [h("strong", {}, node.name), `（${typeLabel(node.type)}）`];
      if (node.type === "Industry") {
        links.push(" ", h("a", { href: "#/chain?industry=" + encodeURIComponent(node.name) }, "查看产业链"));
      } else if (node.type !== "Place") {
        links.push(" ", h("a", { href: "#/firm/" + encodeURIComponent(node.key) }, "详情"));
        links.push(" ", h("a", { href: `#/graph/${encodeURIComponent(node.key)}?depth=${depth}` }, "以此为中心"));
      }
      info.replaceChildren(...links);
    },
  });
}

export async function showChain(main, context, industry) {
  const chooser = h(
    "select",
    { id: "chain-industry", "aria-label": "产业" },
    context.industries.map((item) => h("option", { value: item.name, selected: item.name === industry }, item.name)),
  );
  chooser.addEventListener("change", () => context.navigate("/chain", { industry: chooser.value }));
  const chain = industry ? await loadChain(context.api, industry) : { technologies: [], total: 0 };
  const rows = chain.technologies.map((technology) => {
    const firms = technology.linked.filter((node) => node.type === "Firm");
    const institutes = technology.linked.filter((node) => node.type === "Institute");
    const chips = (nodes) =>
      nodes.length
        ? nodes.map((node) =>
            h(
              "a",
              {
                class: "chip" + (node.relationStatus === "removed" ? " removed" : ""),
                href: "#/firm/" + encodeURIComponent(node.key),
                title: RELATIONS[node.relation] || node.relation,
                style: `border-color:${TYPE_COLOURS[node.type]}`,
              },
              node.name,
            ),
          )
        : h("span", { class: "muted" }, "—");
    return h(
      "tr",
      { class: "chain-row", dataset: { technology: technology.key } },
      h("td", {}, h("a", { class: "chip technology", href: "#/graph/" + encodeURIComponent(technology.key) }, technology.name)),
      h("td", {}, chips(firms)),
      h("td", {}, chips(institutes)),
    );
  });
  const more =
    chain.total && chain.total > chain.technologies.length
      ? h("p", { class: "notice" }, `该产业共有 ${chain.total} 项技术，此处显示按名称排序的前 ${CHAIN_TECHNOLOGIES} 项。`)
      : null;
  fill(main, 
    h("h2", {}, "产业链"),
    h("p", { class: "chain-head" }, h("label", {}, "产业 ", chooser), " → 技术 → 企业与科研机构"),
    more,
    rows.length
      ? h(
          "table",
          { class: "chain", id: "chain" },
          h("thead", {}, h("tr", {}, h("th", {}, "技术"), h("th", {}, "企业"), h("th", {}, "科研机构"))),
          h("tbody", {}, rows),
        )
      : h("p", { class: "empty" }, "该产业下尚无已识别的技术。"),
  );
}
