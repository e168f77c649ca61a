/** One SVG line chart: the ratio of cold converge time to the critical-path bound, against N, one line per M. */
export function ratioPlot(cells: { n: number; m: number; ratio: number }[], title: string): string {
  const W = 560;
  const H = 340;
  const pad = { left: 56, right: 110, top: 36, bottom: 44 };
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const ms = [...new Set(cells.map((c) => c.m))].sort((a, b) => a - b);
  const yMax = Math.max(1.5, ...cells.map((c) => c.ratio)) * 1.1;
  const x = (n: number) =>
    pad.left + (ns.length === 1 ? 0.5 : ns.indexOf(n) / (ns.length - 1)) * (W - pad.left - pad.right);
  const y = (r: number) => H - pad.bottom - (r / yMax) * (H - pad.top - pad.bottom);
  const colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<title>${title}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${pad.left}" y1="${y(0)}" x2="${W - pad.right}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${pad.left}" y1="${y(0)}" x2="${pad.left}" y2="${pad.top}" stroke="black"/>`,
    `<text x="${(pad.left + W - pad.right) / 2}" y="${H - 8}" text-anchor="middle">N (XMPP nodes)</text>`,
    `<text x="14" y="${(pad.top + H - pad.bottom) / 2}" transform="rotate(-90 14 ${(pad.top + H - pad.bottom) / 2})" text-anchor="middle">converge time / bound</text>`,
  ];
  for (const n of ns) {
    out.push(`<text x="${x(n)}" y="${y(0) + 16}" text-anchor="middle">${n}</text>`);
  }
  const step = yMax > 6 ? 2 : yMax > 3 ? 1 : 0.5;
  for (let r = 0; r <= yMax; r += step) {
    out.push(`<text x="${pad.left - 6}" y="${y(r) + 4}" text-anchor="end">${r.toFixed(1)}</text>`);
    out.push(`<line x1="${pad.left}" y1="${y(r)}" x2="${W - pad.right}" y2="${y(r)}" stroke="#ddd"/>`);
  }
  out.push(
    `<line x1="${pad.left}" y1="${y(1.2)}" x2="${W - pad.right}" y2="${y(1.2)}" stroke="#888" stroke-dasharray="5,4"/>`,
    `<text x="${W - pad.right + 4}" y="${y(1.2) + 4}" fill="#888">target 1.2</text>`,
  );
  ms.forEach((m, i) => {
    const colour = colours[i % colours.length];
    const points = ns
      .map((n) => cells.find((c) => c.n === n && c.m === m))
      .filter((c): c is { n: number; m: number; ratio: number } => c !== undefined);
    out.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((c) => `${x(c.n)},${y(c.ratio)}`).join(" ")}"/>`,
    );
    for (const c of points) out.push(`<circle cx="${x(c.n)}" cy="${y(c.ratio)}" r="3" fill="${colour}"/>`);
    out.push(`<text x="${W - pad.right + 4}" y="${pad.top + 16 * i + 20}" fill="${colour}">M = ${m}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
