// The worker's correction form (/gis/field/): only the fields of the chosen kind are shown and sent, and a
// component's position is taken from the phone's GPS (WGS84) when asked or when a component kind is chosen.
// Without this script the form still works: every field shows and the position can be typed.
const form = document.getElementById("correction-form");
const kind = document.getElementById("correction-kind");
const status = document.getElementById("correction-located");

function showKind() {
  form.querySelectorAll("fieldset[data-kinds]").forEach((fieldset) => {
    const shown = fieldset.dataset.kinds.split(" ").includes(kind.value);
    fieldset.hidden = !shown;
    fieldset.disabled = !shown; // a hidden field is not sent
  });
  if (kind.value.startsWith("component") && !form.elements.lng.value) locate();
}

function locate() {
  if (!("geolocation" in navigator)) {
    status.textContent = gettext("This phone gives no position: type it.");
    return;
  }
  status.textContent = gettext("Finding your position…");
  navigator.geolocation.getCurrentPosition(
    (position) => {
      form.elements.lng.value = position.coords.longitude.toFixed(7);
      form.elements.lat.value = position.coords.latitude.toFixed(7);
      status.textContent = `${gettext("Position taken")} (± ${Math.round(position.coords.accuracy)} m)`;
      status.dataset.located = "1";
    },
    () => { status.textContent = gettext("No position: type it, or the photo's position is used."); },
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 },
  );
}

if (form) {
  kind.addEventListener("change", showKind);
  document.getElementById("correction-locate").addEventListener("click", locate);
  showKind();
}
