// An interactive node-link picture in plain SVG with a small force layout:
// nodes repel each other, relationships pull their ends together, and a
// weak pull towards the middle keeps the picture in view. Nodes can be
// dragged; a click calls `onSelect(node)`.

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  return element;
}

const REPULSION = 40000;
const SPRING = 0.03;
const REST_LENGTH = 150;
const GRAVITY = 0.005;
const DAMPING = 0.82;
const TICKS = 320;

export function drawGraph(container, graph, { width = 960, height = 620, centre = null, colour, label, onSelect }) {
  container.replaceChildren();
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "force-graph",
    role: "img",
    "aria-label": "关系图",
  });
  container.append(root);
  const edgeLayer = svg("g", { class: "edges" });
  const nodeLayer = svg("g", { class: "nodes" });
  root.append(edgeLayer, nodeLayer);

  // Start on a circle, in key order, so that a picture is the same each
  // time the same data is drawn.
  const nodes = graph.nodes.map((node, index) => {
    const angle = (2 * Math.PI * index) / Math.max(1, graph.nodes.length);
    const radius = node.key === centre ? 0 : Math.min(width, height) * 0.33;
    return {
      ...node,
      x: width / 2 + radius * Math.cos(angle),
      y: height / 2 + radius * Math.sin(angle),
      vx: 0,
      vy: 0,
      fixed: node.key === centre,
    };
  });
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const links = graph.relationships
    .filter((r) => byKey.has(r.source) && byKey.has(r.target))
    .map((r) => ({ ...r, from: byKey.get(r.source), to: byKey.get(r.target) }));

  const edgeElements = links.map((link) => {
    const line = svg("line", {
      class: "edge" + (link.status === "removed" ? " removed" : ""),
      "data-type": link.type,
    });
    const title = svg("title");
    title.textContent = link.title || link.type;
    line.append(title);
    edgeLayer.append(line);
    return line;
  });

  const nodeElements = nodes.map((node) => {
    const group = svg("g", {
      class: "node" + (node.key === centre ? " centre" : "") + (node.status === "removed" ? " removed" : ""),
      "data-key": node.key,
      "data-type": node.type,
      tabindex: "0",
    });
    const circle = svg("circle", { r: node.key === centre ? 14 : 9, fill: colour(node.type) });
    const text = svg("text", { x: 13, y: 4 });
    text.textContent = label(node);
    const title = svg("title");
    title.textContent = `${node.name}（${node.typeName || node.type}）`;
    group.append(circle, text, title);
    nodeLayer.append(group);
    attachDrag(group, node, root, width, height, () => {
      render();
      if (!running) restart(60);
    });
    group.addEventListener("click", () => {
      if (!node.dragged && onSelect) onSelect(node);
    });
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && onSelect) onSelect(node);
    });
    return group;
  });

  function render() {
    links.forEach((link, i) => {
      const line = edgeElements[i];
      line.setAttribute("x1", link.from.x.toFixed(1));
      line.setAttribute("y1", link.from.y.toFixed(1));
      line.setAttribute("x2", link.to.x.toFixed(1));
      line.setAttribute("y2", link.to.y.toFixed(1));
    });
    nodes.forEach((node, i) => {
      nodeElements[i].setAttribute("transform", `translate(${node.x.toFixed(1)},${node.y.toFixed(1)})`);
    });
  }

  // Repulsion weakens as nodes are added, so that a large neighbourhood
  // still fits in the drawing instead of piling up along its border.
  const repulsion = REPULSION * Math.min(1, 20 / Math.max(1, nodes.length));

  function tick(alpha) {
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < nodes.length; j++) {
        const b = nodes[j];
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        let distance2 = dx * dx + dy * dy;
        if (distance2 < 1) {
          // Two nodes on the same spot get pushed apart in a fixed direction.
          dx = 1;
          dy = (i % 2) - 0.5;
          distance2 = 1;
        }
        const force = (repulsion * alpha) / distance2;
        const distance = Math.sqrt(distance2);
        a.vx += (dx / distance) * force;
        a.vy += (dy / distance) * force;
        b.vx -= (dx / distance) * force;
        b.vy -= (dy / distance) * force;
      }
    }
    for (const link of links) {
      const dx = link.to.x - link.from.x;
      const dy = link.to.y - link.from.y;
      const distance = Math.sqrt(dx * dx + dy * dy) || 1;
      const force = (distance - REST_LENGTH) * SPRING * alpha;
      link.from.vx += (dx / distance) * force;
      link.from.vy += (dy / distance) * force;
      link.to.vx -= (dx / distance) * force;
      link.to.vy -= (dy / distance) * force;
    }
    for (const node of nodes) {
      if (node.fixed) {
        node.vx = 0;
        node.vy = 0;
        continue;
      }
      node.vx += (width / 2 - node.x) * GRAVITY * alpha;
      node.vy += (height / 2 - node.y) * GRAVITY * alpha;
      node.vx *= DAMPING;
      node.vy *= DAMPING;
      node.x = Math.min(width - 20, Math.max(20, node.x + node.vx));
      node.y = Math.min(height - 20, Math.max(20, node.y + node.vy));
    }
  }

  let running = false;
  let remaining = 0;
  function restart(ticks) {
    remaining = Math.max(remaining, ticks);
    if (running) return;
    running = true;
    const step = () => {
      // Four ticks per frame run the TICKS ticks in 80 frames, about 1.3 s
      // at 60 frames per second.
      for (let k = 0; k < 4 && remaining > 0; k++, remaining--) tick(Math.max(0.1, remaining / TICKS));
      render();
      if (remaining > 0) {
        requestAnimationFrame(step);
      } else {
        running = false;
        root.dataset.settled = "true";
      }
    };
    requestAnimationFrame(step);
  }

  render();
  restart(TICKS);
  return root;
}

function attachDrag(element, node, root, width, height, moved) {
  element.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    element.setPointerCapture(event.pointerId);
    node.fixed = true;
    node.dragged = false;
    const startX = event.clientX;
    const startY = event.clientY;
    const move = (e) => {
      if (Math.abs(e.clientX - startX) + Math.abs(e.clientY - startY) > 3) node.dragged = true;
      const point = root.createSVGPoint();
      point.x = e.clientX;
      point.y = e.clientY;
      const local = point.matrixTransform(root.getScreenCTM().inverse());
      node.x = Math.min(width - 20, Math.max(20, local.x));
      node.y = Math.min(height - 20, Math.max(20, local.y));
      moved();
    };
    const up = () => {
      element.removeEventListener("pointermove", move);
      element.removeEventListener("pointerup", up);
      // A dragged node stays where it was put.
    };
    element.addEventListener("pointermove", move);
    element.addEventListener("pointerup", up);
  });
}
