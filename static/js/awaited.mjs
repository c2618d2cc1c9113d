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
