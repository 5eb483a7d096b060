'use strict';
// The letter of letter.typ through Typst's Node compiler, one compiler kept for the whole run (its memoisation is
// what a server would keep warm). Usage: node typst.js <logo.png> <out dir>; NODE_PATH must reach the compiler.
const fs = require('fs');
const path = require('path');
const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler');
const { measure } = require('./letters.js');

const workspace = __dirname;
const compiler = NodeCompiler.create({
  workspace,
  fontArgs: [{ fontPaths: ['/usr/share/fonts/truetype/liberation2'] }],
});
// The logo from memory, so that the source folder needs no binary file.
compiler.mapShadow(path.join(workspace, 'logo.png'), fs.readFileSync(process.argv[2]));
const main = path.join(workspace, 'letter.typ');
let made = 0;

function make(r) {
  const compiled = compiler.compile({ mainFilePath: main, inputs: { data: JSON.stringify(r) } });
  if (compiled.hasError()) {
    compiled.printErrors();
    throw new Error('typst: the letter did not compile');
  }
  const pdf = compiler.pdf(compiled.result, { creationTimestamp: 1796558400 });
  // Eviction keeps the memoisation cache from growing with every record, and keeps it to the last 200 or so letters:
  // a record comes back only after 1,000, so no letter is served whole from the cache of its previous turn.
  if (++made % 100 === 0) compiler.evictCache(2);
  return pdf;
}

measure(async (r) => make(r), process.argv[3], {
  warmup: Number(process.env.WARMUP ?? 3), seconds: Number(process.env.SECONDS_MEASURED ?? 10),
}).catch((e) => {
  console.error(e);
  process.exit(1);
});
