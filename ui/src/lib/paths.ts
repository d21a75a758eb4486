// Maps issue paths from the Rust core ("complainants[0].phones[0]") to antd Form name paths
// (["complainants", 0, "phones", 0]) and back.

export type NamePath = (string | number)[];

export function issuePathToNamePath(path: string): NamePath {
  const out: NamePath = [];
  for (const part of path.split(".")) {
    if (part === "") continue;
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    const idx = m[2]?.match(/\d+/g) ?? [];
    for (const i of idx) out.push(Number(i));
  }
  return out;
}

export function namePathToIssuePath(p: NamePath): string {
  let s = "";
  for (const seg of p) {
    if (typeof seg === "number") s += `[${seg}]`;
    else s += s === "" ? seg : `.${seg}`;
  }
  return s;
}
