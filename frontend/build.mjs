// Build the front end into static/build/: app.css from our Sass (static/scss/), GOV.UK Frontend's
// JavaScript and images, accessible-autocomplete's script, and our own images and scripts
// (static/images/, static/js/).
// Run with `npm run build`; static/build/ is never committed.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules/govuk-frontend/dist/govuk");
const own = join(root, "static");
const out = join(own, "build");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// quietDeps silences deprecation warnings from inside govuk-frontend, not from our own Sass.
const { css } = sass.compile(join(own, "scss/app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(out, "app.css"), css);

// A packaged script is copied with the source map its last line names. collectstatic's manifest
// storage (STATIC_MANIFEST=True, production) follows every `sourceMappingURL` to hash the file
// it names, and stops with MissingFileError when that file is absent. The map is copied rather
// than the comment stripped: the script stays byte for byte the one the package published, and
// each map carries its sources (sourcesContent), so an error in production is readable in the
// browser's developer tools; browsers fetch a map only with those tools open.
function copyScript(from, to) {
  cpSync(from, to);
  const named = readFileSync(from, "utf8").match(/\/\/# sourceMappingURL=(\S+)\s*$/);
  if (!named) return;
  const map = join(dirname(from), named[1]);
  if (!existsSync(map)) {
    throw new Error(`${from} names the source map ${named[1]}, which its package lacks`);
  }
  cpSync(map, join(dirname(to), named[1]));
}

copyScript(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// alphagov's accessible-autocomplete (its CSS comes in through app.scss): the search of the
// awaited recommendation on the update form (static/js/awaited.mjs).
copyScript(
  join(root, "node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js"),
  join(out, "accessible-autocomplete.min.js"),
);
// Images only: the GDS Transport fonts are licensed for GOV.UK services alone.
cpSync(join(govuk, "assets/images"), join(out, "assets/images"), { recursive: true });
cpSync(join(own, "images"), join(out, "images"), { recursive: true });
cpSync(join(own, "js"), out, { recursive: true });

console.log(`Front end built into ${out}`);
