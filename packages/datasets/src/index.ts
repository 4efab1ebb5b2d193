// @basiskit/datasets: function suites, PDE data by real solvers, batching and file formats (re-exports only).
