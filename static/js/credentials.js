// The add-credential form: show username + password for "basic", a single value otherwise.
for (const form of document.querySelectorAll("[data-credential-form]")) {
  const kind = form.querySelector("select[name=kind]");
  const sync = () => {
    const basic = kind.value === "basic";
    form.querySelector("[data-secret=single]").hidden = basic;
    form.querySelector("[data-secret=basic]").hidden = !basic;
  };
  kind.addEventListener("change", sync);
  sync();
}
