// Build the front end into static/build/: app.css from our Sass (static/scss/), GOV.UK Frontend's
// JavaScript and images, accessible-autocomplete's script, and our own images and scripts
// (static/images/, static/js/).
// Run with `npm run build`; static/build/ is never committed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// alphagov's accessible-autocomplete (its CSS comes in through app.scss): the search of the
// awaited recommendation on the update form (static/js/awaited.mjs).
cpSync(
  join(root, "node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js"),
  join(out, "accessible-autocomplete.min.js"),
);
// Images only: the GDS Transport fonts are licensed for GOV.UK services alone.
cpSync(join(govuk, "assets/images"), join(out, "assets/images"), { recursive: true });
cpSync(join(own, "images"), join(out, "images"), { recursive: true });
cpSync(join(own, "js"), out, { recursive: true });

console.log(`Front end built into ${out}`);
