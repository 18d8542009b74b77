// Make the Jupyter widget manager (@jupyter-widgets/html-manager 1.x) work from the book's own
// copy, with no network. Loaded on widget pages between require.js and embed-amd.js.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  // RequireJS resolves the manager's bundled AMD modules -- and webpack, through them, the
  // manager's fonts -- against require's baseUrl, which defaults to the page's own folder.
  // Point it at the vendored copy in _static/widgets/ (scripts/vendor_assets.py puts it there).
  if (here && window.require && window.require.config) {
    window.require.config({ baseUrl: new URL("../widgets/", here).href });
  }
  // The widget controls typeset labels through the MathJax 2 API (MathJax.Hub.Queue); the book
  // runs MathJax 3. After MathJax 3 has loaded (a deferred script, so before DOMContentLoaded
  // fires) and before widgets render (on "load"), map that one call onto typesetPromise.
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (!mj || mj.Hub) { return; }
    mj.Hub = {
      Queue: function (job) {
        var element = Array.isArray(job) ? job[2] : undefined;
        var ready = (mj.startup && mj.startup.promise) || Promise.resolve();
        return ready.then(function () {
          return mj.typesetPromise ? mj.typesetPromise(element ? [element] : undefined) : undefined;
        });
      },
    };
  });
})();
