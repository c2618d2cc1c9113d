// The update form: turn the select of the awaited recommendation (grouped by super-complaint,
// which works without JavaScript) into a search by number and words, with alphagov's
// accessible-autocomplete (loaded just before this module as a classic script). A file, not
// inline script: the Content-Security-Policy forbids inline scripts.
const select = document.querySelector("select.app-awaited-recommendation");
const autocomplete = window.accessibleAutocomplete;

if (select && autocomplete) {
  // The text box takes over the select's id (so its label still points at it).
  const inputId = select.id;
  const blank = select.querySelector('option[value=""]');
  const chosen = select.value ? select.options[select.selectedIndex].textContent : "";
  autocomplete.enhanceSelectElement({
    selectElement: select,
    // The suggestion (the recommendation this one depends on) shows; "No recommendation" not.
    defaultValue: chosen,
    minLength: 1,
    tNoResults: () => "No recommendation matches",
  });
  const input = document.getElementById(inputId);
  // The library leaves the last choice selected when the box is emptied: empty means none.
  const clearWhenEmpty = () => {
    if (input && !input.value.trim() && blank) {
      select.value = "";
    }
  };
  input?.addEventListener("input", clearWhenEmpty);
  input?.addEventListener("blur", clearWhenEmpty);
}

// "What are you waiting for?" is revealed only while "Awaiting national guidance" is chosen
// (GOV.UK's conditional reveal; the server hides it unless that status is checked). Done here
// rather than by govuk-frontend's radios module, which marks the radio aria-expanded: an
// attribute ARIA does not allow on a radio, which axe reports (govuk-frontend issue 979).
const reveal = document.getElementById("conditional-awaited");
const awaiting = document.querySelector('input[name="status"][value="awaiting_national"]');
if (reveal && awaiting) {
  const show = () => {
    reveal.classList.toggle("govuk-radios__conditional--hidden", !awaiting.checked);
  };
  for (const radio of document.querySelectorAll('input[name="status"]')) {
    radio.addEventListener("change", show);
  }
  show();
}
