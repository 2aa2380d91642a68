// The console list's filters: on a phone the ones besides the search start folded when none is set
// (the page renders them open, for browsers without scripts), so the list starts a screen higher.
const moreFilters = document.querySelector("details.more-filters[data-fold-narrow]");
if (moreFilters && window.matchMedia("(max-width: 899px)").matches) moreFilters.open = false;
